"""The press registry: agencies, publications, licences, press cards and the restructuring scheme,
with the lineage that decides which agency an article counts under."""

from baochi.db.registry_store import CoverageDocument, RegistryStore
from baochi.registry.activity import Activity, Tally, about_hanoi, activity
from baochi.registry.entries import find, restore, retire, save
from baochi.registry.example import load_example
from baochi.registry.expiry import Expiry, expiring
from baochi.registry.files import (
    export_csv,
    export_records,
    export_xlsx,
    import_file,
    import_sheets,
    read_csv,
    read_file,
    read_xlsx,
    write_csv,
    xlsx_bytes,
)
from baochi.registry.history import Event, agency_history
from baochi.registry.lineage import Lineage, Period, Status, Step, effective_instant, host_of
from baochi.registry.model import ENTITIES, Entity, Field, Record, entity
from baochi.registry.scheme import SchemeError, SchemeProgress, complete_action, progress
from baochi.registry.validate import RegistryImportError, Sheet, check

__all__ = [
    "ENTITIES",
    "Activity",
    "CoverageDocument",
    "Entity",
    "Event",
    "Expiry",
    "Field",
    "Lineage",
    "Period",
    "Record",
    "RegistryImportError",
    "RegistryStore",
    "SchemeError",
    "SchemeProgress",
    "Sheet",
    "Status",
    "Step",
    "Tally",
    "about_hanoi",
    "activity",
    "agency_history",
    "check",
    "complete_action",
    "effective_instant",
    "entity",
    "expiring",
    "export_csv",
    "export_records",
    "export_xlsx",
    "find",
    "host_of",
    "import_file",
    "import_sheets",
    "load_example",
    "progress",
    "read_csv",
    "read_file",
    "read_xlsx",
    "restore",
    "retire",
    "save",
    "write_csv",
    "xlsx_bytes",
]
