"""The error tree and the one table of Neo4j status codes.

Every error that can reach a client is a `DatabaseError` subclass carrying a Neo4j status
code (the driver classifies by these exact strings) and a message a person can act on.
Cypher errors also carry the openCypher TCK's (type, phase, detail) triple so that the TCK
runner matches errors structurally, never by message text:

>>> e = CypherSyntaxError("Invalid input 'RETUN'", detail="UnexpectedSyntax", line=1, column=1)
>>> e.code, e.tck_type, e.phase
('Neo.ClientError.Statement.SyntaxError', 'SyntaxError', 'compile time')

Anything else raised inside the server is an internal error: logged with its traceback and
answered as `Neo.DatabaseError.General.UnknownError` with a short message.
"""

from __future__ import annotations

# The one table: code -> (GQLSTATUS, description) used in Bolt 5.7+ FAILURE metadata.
STATUS_CODES: dict[str, tuple[str, str]] = {
    "Neo.ClientError.Security.Unauthorized": ("42NFF", "access denied"),
    "Neo.ClientError.Security.AuthenticationRateLimit": ("42NFF", "too many failed logins"),
    "Neo.ClientError.Security.Forbidden": ("42NFF", "permission denied"),
    "Neo.ClientError.Statement.SyntaxError": ("42001", "invalid syntax"),
    "Neo.ClientError.Statement.SemanticError": ("42N00", "semantic error"),
    "Neo.ClientError.Statement.TypeError": ("22G03", "invalid value type"),
    "Neo.ClientError.Statement.ArgumentError": ("22N00", "invalid argument"),
    "Neo.ClientError.Statement.ArithmeticError": ("22003", "numeric value out of range"),
    "Neo.ClientError.Statement.EntityNotFound": ("22N00", "entity not found"),
    "Neo.ClientError.Statement.ParameterMissing": ("42N51", "parameter missing"),
    "Neo.ClientError.Statement.PropertyNotFound": ("42N00", "property not found"),
    "Neo.ClientError.Schema.ConstraintValidationFailed": ("22N41", "constraint violated"),
    "Neo.ClientError.Schema.LabelAccessFailed": ("22N00", "label error"),
    "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists": ("22N00", "schema exists"),
    "Neo.ClientError.Schema.SchemaRuleNotFound": ("22N00", "schema not found"),
    "Neo.ClientError.Procedure.ProcedureNotFound": ("42N08", "procedure not found"),
    "Neo.ClientError.Procedure.ProcedureCallFailed": ("52N37", "procedure call failed"),
    "Neo.ClientError.Cluster.NotALeader": ("08N00", "not the leader"),
    "Neo.ClientError.Database.DatabaseNotFound": ("22N51", "graph not found"),
    "Neo.ClientError.Request.Invalid": ("08N06", "invalid request"),
    "Neo.ClientError.Request.InvalidFormat": ("08N06", "invalid request format"),
    "Neo.ClientError.Transaction.TransactionNotFound": ("25N05", "no such transaction"),
    "Neo.ClientError.Transaction.TransactionTimedOut": ("25N06", "transaction timed out"),
    "Neo.ClientError.Transaction.InvalidBookmark": ("08N10", "invalid bookmark"),
    "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase": ("08N01", "read-only"),
    "Neo.TransientError.Transaction.Outdated": ("40N01", "write conflict"),
    "Neo.TransientError.Transaction.DeadlockDetected": ("40N01", "write conflict"),
    "Neo.TransientError.Transaction.BookmarkTimeout": ("08N13", "bookmark not reached"),
    "Neo.TransientError.Transaction.LeaderSwitch": ("08N00", "leader changed"),
    "Neo.TransientError.Cluster.ReplicationFailure": ("08N00", "replication outcome unknown"),
    "Neo.TransientError.General.DatabaseUnavailable": ("08N00", "database unavailable"),
    "Neo.TransientError.Request.ResourceExhaustion": ("08N00", "server busy"),
    "Neo.DatabaseError.General.UnknownError": ("50N42", "unexpected error"),
}


class DatabaseError(Exception):
    """Base of every error a client may see. `code` is a key of STATUS_CODES."""

    code = "Neo.DatabaseError.General.UnknownError"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        assert self.code in STATUS_CODES, self.code

    @property
    def gql_status(self) -> str:
        return STATUS_CODES[self.code][0]

    @property
    def description(self) -> str:
        return STATUS_CODES[self.code][1]

    @property
    def classification(self) -> str:
        return self.code.split(".")[1]  # ClientError | TransientError | DatabaseError

    def __str__(self) -> str:
        return self.message


# --- Cypher errors: (tck_type, phase, detail) -------------------------------------------


class CypherError(DatabaseError):
    """An error from compiling or running a Cypher query.

    tck_type: the TCK's error type name (SyntaxError, SemanticError, TypeError, ...)
    phase: 'compile time' or 'runtime'
    detail: the TCK's detail code (e.g. 'UndefinedVariable', 'InvalidArgumentType')
    """

    tck_type = "DatabaseError"
    phase = "runtime"

    def __init__(
        self,
        message: str,
        *,
        detail: str | None = None,
        phase: str | None = None,
        line: int | None = None,
        column: int | None = None,
        code: str | None = None,
    ):
        super().__init__(message, code=code)
        self.detail = detail
        if phase is not None:
            self.phase = phase
        self.line = line
        self.column = column


class CypherSyntaxError(CypherError):
    code = "Neo.ClientError.Statement.SyntaxError"
    tck_type = "SyntaxError"
    phase = "compile time"


class CypherSemanticError(CypherError):
    # The TCK calls most compile-time scoping errors SyntaxError; Neo4j reports them as
    # Statement.SyntaxError too. SemanticError is for the ones the TCK calls SemanticError.
    code = "Neo.ClientError.Statement.SemanticError"
    tck_type = "SemanticError"
    phase = "compile time"


class CypherTypeError(CypherError):
    code = "Neo.ClientError.Statement.TypeError"
    tck_type = "TypeError"


class CypherArgumentError(CypherError):
    code = "Neo.ClientError.Statement.ArgumentError"
    tck_type = "ArgumentError"


class CypherArithmeticError(CypherError):
    code = "Neo.ClientError.Statement.ArithmeticError"
    tck_type = "ArithmeticError"


class EntityNotFound(CypherError):
    code = "Neo.ClientError.Statement.EntityNotFound"
    tck_type = "EntityNotFound"


class ParameterMissing(CypherError):
    code = "Neo.ClientError.Statement.ParameterMissing"
    tck_type = "ParameterMissing"
    phase = "compile time"


class ConstraintValidationFailed(CypherError):
    code = "Neo.ClientError.Schema.ConstraintValidationFailed"
    tck_type = "ConstraintValidationFailed"


class ConstraintVerificationFailed(CypherError):
    """TCK: deleting a node that still has relationships (non-DETACH DELETE)."""

    code = "Neo.ClientError.Schema.ConstraintValidationFailed"
    tck_type = "ConstraintVerificationFailed"


class ProcedureNotFound(CypherError):
    code = "Neo.ClientError.Procedure.ProcedureNotFound"
    tck_type = "ProcedureError"
    phase = "compile time"


class ProcedureCallFailed(CypherError):
    code = "Neo.ClientError.Procedure.ProcedureCallFailed"
    tck_type = "ProcedureError"


# --- Schema (TuGraph label schema) ----------------------------------------------------


class SchemaError(CypherError):
    """TuGraph schema problems: existing label, unknown type, missing primary field."""

    code = "Neo.ClientError.Schema.ConstraintValidationFailed"
    tck_type = "ConstraintValidationFailed"


# --- Session, transaction, cluster ----------------------------------------------------


class Unauthorized(DatabaseError):
    code = "Neo.ClientError.Security.Unauthorized"


class Forbidden(DatabaseError):
    code = "Neo.ClientError.Security.Forbidden"


class DatabaseNotFound(DatabaseError):
    code = "Neo.ClientError.Database.DatabaseNotFound"


class RequestInvalid(DatabaseError):
    code = "Neo.ClientError.Request.Invalid"


class TransactionTimedOut(DatabaseError):
    code = "Neo.ClientError.Transaction.TransactionTimedOut"


class WriteConflict(DatabaseError):
    """First committer wins: another transaction changed what this one wrote. Retry."""

    code = "Neo.TransientError.Transaction.Outdated"


class BookmarkTimeout(DatabaseError):
    code = "Neo.TransientError.Transaction.BookmarkTimeout"


class NotALeader(DatabaseError):
    code = "Neo.ClientError.Cluster.NotALeader"


class UnknownOutcome(DatabaseError):
    """The write was submitted but its fate cannot be confirmed (leader lost mid-flight)."""

    code = "Neo.TransientError.Cluster.ReplicationFailure"


class DatabaseUnavailable(DatabaseError):
    code = "Neo.TransientError.General.DatabaseUnavailable"


class ServerBusy(DatabaseError):
    code = "Neo.TransientError.Request.ResourceExhaustion"


class InternalError(DatabaseError):
    code = "Neo.DatabaseError.General.UnknownError"


class ConfigError(Exception):
    """A bad configuration file or command-line option. The message names the key."""

    def __init__(self, key: str, message: str):
        super().__init__(f"config key '{key}': {message}")
        self.key = key
