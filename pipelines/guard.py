"""A store that fails during an ingest, told to a person: what happened, and what the store still holds."""

from sqlalchemy.exc import SQLAlchemyError

from models.writelock import waited_too_long

__all__ = ["store_failure"]

KEPT = "every batch written before is kept whole; run the same command again to finish"


def store_failure(error: SQLAlchemyError) -> str:
    """One line for a database error met while writing: the database's own words, the likely cause, what is left."""
    message = str(getattr(error, "orig", None) or error).splitlines()[0]
    if waited_too_long(message):
        return (f"the store stayed locked by another process past the busy timeout ({message}); {KEPT}")
    return f"the store stopped accepting writes ({message}); {KEPT}"
