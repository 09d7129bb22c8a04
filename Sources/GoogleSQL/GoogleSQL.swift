/// GoogleSQL (BigQuery's SQL dialect): lexer, parser and syntax tree. Placeholder until the
/// parser lands.
public enum GoogleSQL {}
