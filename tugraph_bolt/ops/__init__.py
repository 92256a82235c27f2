"""The operator CLI's parts: reaching nodes (`connect`), tables (`table`), the cluster
commands (`cluster_cmds`) and the Cypher shell (`shell`). Entry: `tugraph_bolt.ops_cli.main`."""
