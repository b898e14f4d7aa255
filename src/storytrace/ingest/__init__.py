"""Reading articles from text, HTML, JSON/JSONL, CSV, WARC, directories and stdin."""

from storytrace.ingest.errors import IngestError
from storytrace.ingest.fields import FieldMap
from storytrace.ingest.sources import FORMATS, IngestOptions, read_bytes, read_sources

__all__ = ["FORMATS", "FieldMap", "IngestError", "IngestOptions", "read_bytes", "read_sources"]
