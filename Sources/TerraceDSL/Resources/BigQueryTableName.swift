import TerraceJSON

/// How tables and views, which share BigQuery's table namespace, name themselves.
enum BigQueryTableName {
    /// "projects/P/datasets/D/tables/T".
    static func resourceName(datasetKey: String, tableID: String, in context: ModelContext) -> String {
        "projects/\(context.project)/datasets/\(context.datasetID(datasetKey))/tables/\(tableID)"
    }

    /// The `tableReference` of the API resource.
    static func reference(datasetKey: String, tableID: String, in context: ModelContext) -> JSON {
        ["projectId": .string(context.project), "datasetId": .string(context.datasetID(datasetKey)), "tableId": .string(tableID)]
    }
}
