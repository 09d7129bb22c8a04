/// BigQuery's scalar functions with BigQuery's exact semantics. Placeholder.
public enum BigQueryFunctions {}
