import TerraceDSL
import TerracePipelines

/// This platform's bronze sources: the shop's API (products, users, carts), landed in the raw
/// bucket and loaded into the bronze dataset. Environments point the sources elsewhere through
/// their `sources` overrides (the local environment at the local cloud's sample shop).
public enum Pipelines {
    public static func bronze(_ env: Environment) -> Bronze {
        Bronze(lake: "raw", dataset: "bronze") {
            Source.http(
                "products",
                HTTPSource(url: "https://dummyjson.com/products", records: "products",
                           pagination: .offset(offsetParameter: "skip", limitParameter: "limit", limit: 100, total: "total")),
                disposition: .merge(primaryKey: ["id"]))
            Source.http(
                "users",
                HTTPSource(url: "https://dummyjson.com/users", records: "users",
                           pagination: .offset(offsetParameter: "skip", limitParameter: "limit", limit: 100, total: "total")),
                disposition: .merge(primaryKey: ["id"]))
            Source.http(
                "carts",
                HTTPSource(url: "https://dummyjson.com/carts", records: "carts",
                           pagination: .offset(offsetParameter: "skip", limitParameter: "limit", limit: 100, total: "total")),
                disposition: .append)
        }
    }
}
