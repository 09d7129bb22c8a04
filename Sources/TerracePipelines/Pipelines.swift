/// The bronze pipeline runtime: sources, landing, loading (see README.md).
public enum TerracePipelines {}
