"""Assets by domain: ingest (raw staging tables), dbt (staging → marts), publish."""
