"""The data model of depeches: SQLAlchemy classes, views, the event tables kept at ingest, the desk's corrections and
the store's engine."""

from models.schema import Article, Base, Entity, Fact, Reject, Run, SCHEMA_VERSION
from models.desk import AlertRun, AlertSeen
from models.events import EventTotal, FactEvent, StoredEvent
from models.corrections import Correction
from models.store import StoreError, create_store, make_engine, read_only_engine, resolve_url

__all__ = ["Article", "Base", "Entity", "Fact", "Reject", "Run", "SCHEMA_VERSION", "StoreError", "create_store",
           "make_engine", "read_only_engine", "resolve_url", "AlertRun", "AlertSeen", "FactEvent", "StoredEvent",
           "EventTotal", "Correction"]
