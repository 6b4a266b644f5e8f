# Superset's configuration in the Rhythmic stack: every secret from the environment (docker/.env), none in a file.
import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
# Superset's own metadata lives in the stack's PostgreSQL, database superset (docker/postgres/roles.sh makes it).
SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://superset:{}@{}:{}/superset".format(
    os.environ["SUPERSET_DB_PASSWORD"], os.environ.get("RHYTHMIC_SUPERSET_PG_HOST", "postgres"),
    os.environ.get("RHYTHMIC_SUPERSET_PG_PORT", "5432"))


def _password_of(url):
    """The read-only role's password comes from the environment at every connection, so a password rotated in
    docker/.env takes effect at the next start without importing the connection again."""
    if url.username == "rhythmic_reader":
        return os.environ["RHYTHMIC_READER_PASSWORD"]
    return url.password


SQLALCHEMY_CUSTOM_PASSWORD_STORE = _password_of
# Dashboards read the warehouse through rhythmic_reader, whose transactions are read-only; SQL Lab stays read-only too.
PREVENT_UNSAFE_DB_CONNECTIONS = True
WTF_CSRF_ENABLED = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
