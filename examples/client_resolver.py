"""The seed's Python client example, unchanged (bolt-ha-cluster.md, "bolt客户端连接实例").

Run it against the seed's three-node cluster (`make run` starts one).
"""
from neo4j import GraphDatabase

def custom_resolver(address):
    if address == ('mycluster.com', 9999):
        return [
            ('127.0.0.1', 7687),
            ('127.0.0.1', 7688),
            ('127.0.0.1', 7689)
        ]
    else:
        return [address]


if __name__ == '__main__':
    driver = GraphDatabase.driver(
        "neo4j://mycluster.com:9999",
        auth=("admin", "73@TuGraph"),
        resolver=custom_resolver
    )
    session = driver.session(database="default")
    session.run("CALL db.dropDB()")
    session.run("CALL db.createVertexLabel('person', 'id' , 'id', 'INT32', false, 'count', 'INT64', false)")
    session.run("create (n1:person {id:1, count:0})")
    session.close()
    driver.close()
