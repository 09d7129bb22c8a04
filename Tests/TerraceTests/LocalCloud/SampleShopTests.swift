import LocalCloud
import Testing
import TerraceJSON

@Suite("Local cloud: sample shop")
struct SampleShopTests {
    static let base = "/sample/shop"

    /// Money in a JSON body as whole cents.
    func cents(_ value: JSON?) -> Int? {
        value?.doubleValue.map { Int(($0 * 100).rounded()) }
    }

    func shop(_ scale: Int, seed: UInt64 = 1) throws -> SampleShop {
        try #require(SampleShop(scale: scale, seed: seed))
    }

    // MARK: The generator

    @Test(arguments: [
        (1, 1, 20, 10), (7, 1, 20, 10), (8, 2, 20, 10), (13, 3, 20, 10), (1_000, 250, 20, 50),
        (10_003, 2_501, 100, 500), (1_000_000, 250_000, 10_000, 50_000), (10_000_000, 2_500_000, 100_000, 500_000),
    ])
    func sizesFollowFromTheScale(scale: Int, carts: Int, products: Int, users: Int) throws {
        let shop = try shop(scale)
        #expect(shop.cartCount == carts)
        #expect(shop.productCount == products)
        #expect(shop.userCount == users)
        #expect(shop.lineItemCount == scale)
    }

    @Test func cartsHoldExactlyScaleLineItemsOfOneToEightEach() throws {
        for scale in Array(1...64) + [1_003, 9_999] {
            let shop = try shop(scale, seed: UInt64(scale))
            let counts = (1...shop.cartCount).map { shop.itemCount(ofCart: $0) }
            #expect(counts.reduce(0, +) == scale, "scale \(scale)")
            #expect(counts.allSatisfy { (1...8).contains($0) }, "scale \(scale)")
            #expect((1...shop.cartCount).allSatisfy { shop.cart($0).products.count == counts[$0 - 1] })
        }
    }

    @Test func scalesOutsideOneToTenMillionAreRefused() {
        #expect(SampleShop(scale: 0) == nil)
        #expect(SampleShop(scale: -5) == nil)
        #expect(SampleShop(scale: 10_000_001) == nil)
        #expect(SampleShop(scale: 10_000_000) != nil)
    }

    @Test func anyRecordAtTenMillionIsMadeWithoutTheOnesBefore() throws {
        let shop = try shop(10_000_000, seed: 42)
        let last = shop.cart(shop.cartCount)
        #expect(last.id == 2_500_000)
        #expect(last.products.count == 8 - shop.itemCount(ofCart: shop.cartCount - 1))
        #expect(shop.product(100_000).id == 100_000)
        #expect(shop.user(500_000).id == 500_000)
    }

    @Test func aCartsLinesAreDistinctProductsAtTheirCatalogPrice() throws {
        let shop = try shop(5_000, seed: 3)
        for id in 1...shop.cartCount {
            let cart = shop.cart(id)
            let ids = cart.products.map(\.product.id)
            #expect(Set(ids).count == ids.count)
            for line in cart.products {
                #expect(line.product == shop.product(line.product.id))
                #expect((1...shop.productCount).contains(line.product.id))
            }
            #expect((1...shop.userCount).contains(cart.userID))
        }
    }

    @Test func aboutOnePercentOfProductsHaveNoBrand() throws {
        let shop = try shop(1_000_000)
        let missing = (1...shop.productCount).filter { shop.product($0).brand == nil }.count
        #expect((40...200).contains(missing), "\(missing) of \(shop.productCount) without a brand")
    }

    @Test func usernamesEmailsAndSkusAreUnique() throws {
        let shop = try shop(200_000)
        let users = (1...shop.userCount).map { shop.user($0) }
        #expect(Set(users.map(\.username)).count == users.count)
        #expect(Set(users.map(\.email)).count == users.count)
        #expect(Set((1...shop.productCount).map { shop.product($0).sku }).count == shop.productCount)
    }

    @Test func cartsAreCreatedThroughout2024InIdOrder() throws {
        let shop = try shop(40_000)
        let dates = (1...shop.cartCount).map { shop.cart($0).createdAt }
        #expect(dates == dates.sorted())
        #expect(dates.first?.hasPrefix("2024-01-01T") == true)
        #expect(dates.last?.hasPrefix("2024-12-31T") == true)
        #expect(dates.allSatisfy { $0.count == 24 && $0.hasSuffix("Z") })
    }

    @Test func birthDatesAreWrittenLikeDummyJSONsAndAgreeWithTheAge() throws {
        let shop = try shop(1_000)
        for id in 1...shop.userCount {
            let user = shop.user(id)
            #expect(user.birthDate == "\(user.birthYear)-\(user.birthMonth)-\(user.birthDay)")
            #expect(user.age == 2024 - user.birthYear || (user.age == 2025 - user.birthYear && user.birthMonth == 1 && user.birthDay == 1))
        }
    }

    // MARK: Over HTTP

    @Test func theSameScaleAndSeedGiveIdenticalBytes() async throws {
        let path = "\(Self.base)/carts?scale=5000&seed=9&skip=300&limit=200"
        var first: [UInt8] = []
        try await withCloud { cloud in first = try await cloud.raw("GET", path).body }
        try await withCloud { cloud in
            let again = try await cloud.raw("GET", path)
            #expect(again.status == 200)
            #expect(again.body == first)
            #expect(try await cloud.raw("GET", path).body == first)
        }
        #expect(first.count > 10_000)
        #expect(try self.shop(5_000, seed: 9).page(.carts, skip: 300, limit: 200) == first)
    }

    @Test func aDifferentSeedGivesDifferentRecords() async throws {
        try await withCloud { cloud in
            for collection in ["products", "users", "carts"] {
                let one = try await cloud.raw("GET", "\(Self.base)/\(collection)?seed=1").body
                let two = try await cloud.raw("GET", "\(Self.base)/\(collection)?seed=2").body
                #expect(one != two, "\(collection)")
            }
        }
    }

    @Test func cartTotalsAddUpToTheCent() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("GET", "\(Self.base)/carts?limit=250")
            #expect(status == 200)
            let carts = try #require(body["carts"]?.arrayValue)
            #expect(carts.count == 250)
            for cart in carts {
                let lines = cart["products"]?.arrayValue ?? []
                var total = 0
                var discounted = 0
                var quantity = 0
                for line in lines {
                    let price = try #require(cents(line["price"]))
                    let count = try #require(line["quantity"]?.intValue)
                    let lineTotal = try #require(cents(line["total"]))
                    let percent = try #require(line["discountPercentage"]?.doubleValue)
                    let lineDiscounted = try #require(cents(line["discountedTotal"]))
                    #expect(lineTotal == price * Int(count))
                    #expect(abs(Double(lineTotal) * (1 - percent / 100) - Double(lineDiscounted)) <= 0.5)
                    total += lineTotal
                    discounted += lineDiscounted
                    quantity += Int(count)
                }
                #expect(cents(cart["total"]) == total)
                #expect(cents(cart["discountedTotal"]) == discounted)
                #expect(cart["totalProducts"]?.intValue == Int64(lines.count))
                #expect(cart["totalQuantity"]?.intValue == Int64(quantity))
            }
        }
    }

    @Test func pagesCoverEveryIdExactlyOnce() async throws {
        try await withCloud(configure: { $0.sampleScale = 400 }) { cloud in
            for collection in ["products", "users", "carts"] {
                var ids: [Int64] = []
                var skip = 0
                var total: Int64 = -1
                repeat {
                    let (status, body) = try await cloud.call("GET", "\(Self.base)/\(collection)?limit=7&skip=\(skip)")
                    #expect(status == 200)
                    let page = try #require(body[collection]?.arrayValue)
                    total = body["total"]?.intValue ?? -1
                    #expect(body["skip"]?.intValue == Int64(skip))
                    #expect(body["limit"]?.intValue == Int64(page.count))
                    ids += page.compactMap { $0["id"]?.intValue }
                    skip += 7
                } while skip < total
                #expect(total > 7)
                #expect(ids == Array(1...total), "\(collection)")
            }
        }
    }

    @Test func pagesAnswerTheirTotalAndDefaultToThirty() async throws {
        try await withCloud { cloud in
            let (_, body) = try await cloud.call("GET", "\(Self.base)/carts")
            #expect(body["carts"]?.arrayValue?.count == 30)
            #expect(body["total"] == 250)
            #expect(body["skip"] == 0)
            #expect(body["limit"] == 30)
            let (_, last) = try await cloud.call("GET", "\(Self.base)/carts?skip=240&limit=30")
            #expect(last["carts"]?.arrayValue?.count == 10)
            #expect(last["limit"] == 10)
            #expect(last["total"] == 250)
        }
    }

    @Test func aLimitOfZeroOrAboveAThousandGetsAThousand() async throws {
        try await withCloud { cloud in
            for limit in [0, 1_000, 5_000] {
                let (_, body) = try await cloud.call("GET", "\(Self.base)/users?scale=100000&limit=\(limit)")
                #expect(body["users"]?.arrayValue?.count == 1_000, "limit \(limit)")
                #expect(body["total"] == 5_000)
            }
        }
    }

    @Test func skippingPastTheEndAnswersAnEmptyPage() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("GET", "\(Self.base)/products?skip=500")
            #expect(status == 200)
            #expect(body["products"] == [])
            #expect(body["total"] == 20)
            #expect(body["skip"] == 500)
            #expect(body["limit"] == 0)
        }
    }

    @Test(arguments: ["limit=-1", "skip=-3", "limit=ten", "skip=1.5", "scale=0", "scale=10000001", "scale=many", "seed=-1"])
    func badParametersAreA400WithAMessage(query: String) async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("GET", "\(Self.base)/carts?\(query)")
            #expect(status == 400)
            let name = String(query.prefix { $0 != "=" })
            #expect(body["message"]?.stringValue?.contains(name) == true, "\(body)")
        }
    }

    @Test func oneRecordIsTheSameAsInItsPage() async throws {
        try await withCloud { cloud in
            for collection in ["products", "users", "carts"] {
                let (_, page) = try await cloud.call("GET", "\(Self.base)/\(collection)?skip=4&limit=1")
                let (status, record) = try await cloud.call("GET", "\(Self.base)/\(collection)/5")
                #expect(status == 200)
                #expect(record["id"] == 5)
                #expect(page[collection]?[0] == record, "\(collection)")
            }
        }
    }

    @Test func recordsOutOfRangeAreA404() async throws {
        try await withCloud { cloud in
            for (path, message) in [("products/21", "Product with id '21' not found"), ("products/0", "Product with id '0' not found"),
                                    ("users/51", "User with id '51' not found"), ("carts/251", "Cart with id '251' not found")] {
                let (status, body) = try await cloud.call("GET", "\(Self.base)/\(path)")
                #expect(status == 404, "\(path)")
                #expect(body["message"] == .string(message))
            }
            let (status, body) = try await cloud.call("GET", "\(Self.base)/carts/abc")
            #expect(status == 400)
            #expect(body["message"]?.stringValue?.contains("abc") == true)
        }
    }

    @Test func recordsHaveDummyJSONsFields() async throws {
        try await withCloud { cloud in
            let product = try await cloud.call("GET", "\(Self.base)/products/1").body
            #expect(Set(product.objectValue?.keys.map { $0 } ?? []) == [
                "id", "title", "description", "category", "price", "discountPercentage", "rating", "stock", "brand", "sku",
                "weight", "dimensions", "tags", "availabilityStatus", "meta", "thumbnail",
            ])
            #expect(Set(product["dimensions"]?.objectValue?.keys.map { $0 } ?? []) == ["width", "height", "depth"])
            #expect(Set(product["meta"]?.objectValue?.keys.map { $0 } ?? []) == ["createdAt", "updatedAt"])
            let user = try await cloud.call("GET", "\(Self.base)/users/1").body
            #expect(Set(user.objectValue?.keys.map { $0 } ?? []) == [
                "id", "firstName", "lastName", "age", "gender", "email", "phone", "username", "birthDate", "address",
                "company", "role",
            ])
            #expect(Set(user["address"]?.objectValue?.keys.map { $0 } ?? []) == ["address", "city", "state", "postalCode", "country"])
            #expect(Set(user["company"]?.objectValue?.keys.map { $0 } ?? []) == ["name", "title", "department"])
            let cart = try await cloud.call("GET", "\(Self.base)/carts/1").body
            #expect(Set(cart.objectValue?.keys.map { $0 } ?? []) == [
                "id", "userId", "total", "discountedTotal", "totalProducts", "totalQuantity", "products", "createdAt",
            ])
            #expect(Set(cart["products"]?[0]?.objectValue?.keys.map { $0 } ?? []) == [
                "id", "title", "price", "quantity", "total", "discountPercentage", "discountedTotal", "thumbnail",
            ])
        }
    }

    @Test func theScaleComesFromTheConfigurationAndAQueryOverridesIt() async throws {
        try await withCloud(configure: { $0.sampleScale = 4_000; $0.sampleSeed = 5 }) { cloud in
            let (_, configured) = try await cloud.call("GET", Self.base)
            #expect(configured["scale"] == 4_000)
            #expect(configured["seed"] == 5)
            #expect(configured["counts"] == ["lineItems": 4_000, "products": 40, "users": 200, "carts": 1_000])
            let (_, big) = try await cloud.call("GET", "\(Self.base)?scale=1000000&seed=8")
            #expect(big["counts"]?["carts"] == 250_000)
            #expect(big["seed"] == 8)
            let (status, last) = try await cloud.call("GET", "\(Self.base)/carts/250000?scale=1000000")
            #expect(status == 200)
            #expect(last["id"] == 250_000)
            #expect(try await cloud.call("GET", "\(Self.base)/carts?scale=1000000").body["total"] == 250_000)
        }
    }

    @Test func theShopNeedsNoTokenWhenTheCloudRequiresAuth() async throws {
        try await withCloud(configure: { $0.requireAuth = true }) { cloud in
            let shop = try await cloud.call("GET", "\(Self.base)/products")
            let storage = try await cloud.call("GET", "/storage/v1/b?project=demo-project")
            #expect(shop.status == 200)
            #expect(storage.status == 401)
        }
    }

    @Test func faultsCanTargetTheShop() async throws {
        let plan = try FaultPlan(spec: "sampleshop=1:503")
        try await withCloud(configure: { $0.faults = plan }) { cloud in
            let shop = try await cloud.call("GET", "\(Self.base)/carts")
            let storage = try await cloud.call("GET", "/storage/v1/b?project=demo-project")
            #expect(shop.status == 503)
            #expect(storage.status == 200)
        }
    }

    @Test func aSampleScaleOutsideTheRangeStopsTheCloudFromStarting() async throws {
        await #expect(throws: (any Error).self) {
            try await withCloud(configure: { $0.sampleScale = 0 }) { _ in }
        }
    }
}
