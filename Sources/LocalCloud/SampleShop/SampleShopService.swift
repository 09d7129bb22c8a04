import HTTPTypes
import Hummingbird
import NIOCore
import TerraceJSON

/// The sample shop's API under `/sample/shop`, shaped like dummyjson's: `GET /sample/shop/products`
/// (and `users`, `carts`) pages with `limit` and `skip`, `GET /sample/shop/products/{id}` one
/// record, `GET /sample/shop` what the dataset holds. Not a Google API: it needs no token even
/// when the cloud requires auth, stores nothing, and answers errors as dummyjson does,
/// `{"message": "…"}`.
///
/// The dataset is the cloud's ``SampleShop`` (its `sampleScale` and `sampleSeed`); `?scale=N` and
/// `?seed=S` pick another one for a single request.
public struct SampleShopService: CloudService {
    public static let schema = ""
    /// The API name faults and the request observer see.
    public static let apiName = "sampleshop"
    public static let basePath = "/sample/shop"
    public static let defaultLimit = 30
    public static let maxLimit = 1_000

    let context: CloudContext

    public init(context: CloudContext) { self.context = context }

    public var apis: [APIRoutes] {
        var routes = [Route(.get, Self.basePath) { request in try respond { try describe(request) } }]
        for collection in SampleShop.Collection.allCases {
            routes.append(Route(.get, "\(Self.basePath)/\(collection.rawValue)") { request in
                try respond { try page(collection, request) }
            })
            routes.append(Route(.get, "\(Self.basePath)/\(collection.rawValue)/{id}") { request in
                try respond { try record(collection, request) }
            })
        }
        return [APIRoutes(name: Self.apiName, style: .canonical, routes: routes)]
    }

    /// An error answered as dummyjson does: a status and `{"message": …}`.
    struct ShopError: Error {
        let status: HTTPResponse.Status
        let message: String

        static func invalid(_ message: String) -> ShopError { ShopError(status: .badRequest, message: message) }
    }

    private func respond(_ body: () throws -> Response) throws -> Response {
        do {
            return try body()
        } catch let error as ShopError {
            return .json(["message": .string(error.message)], status: error.status)
        }
    }

    /// The request's dataset: the cloud's, or the one `?scale=` and `?seed=` name.
    func shop(_ request: ServiceRequest) throws -> SampleShop {
        let configured = context.sampleShop
        var scale = configured.scale
        var seed = configured.seed
        if let text = request.query["scale"] {
            guard let value = Int(text), SampleShop.scales.contains(value) else {
                throw ShopError.invalid("Invalid scale '\(text)': use a whole number of line items from 1 to 10000000.")
            }
            scale = value
        }
        if let text = request.query["seed"] {
            guard let value = UInt64(text) else {
                throw ShopError.invalid("Invalid seed '\(text)': use a whole number from 0 to 18446744073709551615.")
            }
            seed = value
        }
        guard let shop = SampleShop(scale: scale, seed: seed) else {
            throw ShopError.invalid("Invalid scale \(scale): use 1 to 10000000.")
        }
        return shop
    }

    func describe(_ request: ServiceRequest) throws -> Response {
        let shop = try shop(request)
        var counts: [String: JSON] = ["lineItems": .int(Int64(shop.lineItemCount))]
        var paths: [String: JSON] = [:]
        for collection in SampleShop.Collection.allCases {
            counts[collection.rawValue] = .int(Int64(shop.count(of: collection)))
            paths[collection.rawValue] = .string("\(Self.basePath)/\(collection.rawValue)")
        }
        return .json([
            "name": "Terrace sample shop",
            "description": "A deterministic sample of a shop's API shaped like dummyjson.com's; the same scale and seed always give the same records.",
            "scale": .int(Int64(shop.scale)),
            "seed": shop.seed <= UInt64(Int64.max) ? .int(Int64(shop.seed)) : .string(String(shop.seed)),
            "counts": .object(counts),
            "collections": .object(paths),
            "pagination": ["defaultLimit": .int(Int64(Self.defaultLimit)), "maxLimit": .int(Int64(Self.maxLimit))],
        ])
    }

    func page(_ collection: SampleShop.Collection, _ request: ServiceRequest) throws -> Response {
        let shop = try shop(request)
        let skip = try nonNegative("skip", request) ?? 0
        var limit = try nonNegative("limit", request) ?? Self.defaultLimit
        // As dummyjson: 0 asks for as many as allowed; more than allowed gets the most allowed.
        if limit == 0 || limit > Self.maxLimit { limit = Self.maxLimit }
        // No page cache: a page of 1,000 carts (≈1.1 MB) renders in ≈1 ms, and a client paging
        // through the shop reads each page once, which no small cache would serve.
        return Self.bytes(shop.render(collection, skip: skip, limit: limit).withBytes { ByteBuffer(bytes: $0) })
    }

    func record(_ collection: SampleShop.Collection, _ request: ServiceRequest) throws -> Response {
        let shop = try shop(request)
        let text = request.param("id")
        guard let id = Int(text) else {
            throw ShopError.invalid("Invalid \(collection.singular.lowercased()) id '\(text)': ids are whole numbers.")
        }
        guard (1...shop.count(of: collection)).contains(id) else {
            throw ShopError(status: .notFound, message: "\(collection.singular) with id '\(text)' not found")
        }
        return Self.bytes(ByteBuffer(bytes: shop.json(collection, id: id)))
    }

    /// A query parameter that must be a whole number ≥ 0 when given.
    func nonNegative(_ name: String, _ request: ServiceRequest) throws -> Int? {
        guard let text = request.query[name] else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw ShopError.invalid("Invalid \(name) '\(text)': use a whole number of 0 or more.")
        }
        return value
    }

    static func bytes(_ buffer: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer))
    }
}
