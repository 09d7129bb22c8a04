/// A deterministic sample of an e-commerce shop's API (products, users, carts with line items),
/// shaped like https://dummyjson.com's, that the local cloud serves so that the `local`
/// environment's pipelines ingest a shop with no network beyond loopback.
///
/// Pure and without I/O: every record is derived from `(seed, kind, id)` by a splitmix64
/// stream, so any record (and any page) costs O(1) to produce without producing the ones before
/// it, and memory stays flat at any scale. The same `scale` and `seed` always give the same
/// records, byte for byte.
///
/// Sizes follow from `scale`, the number of cart line items:
/// - carts come in pairs whose item counts add up to 8 (1–7 each), plus one last cart with the
///   remaining `scale % 8` items, so there are ≈ scale / 4 carts and exactly `scale` line items;
/// - products: max(20, scale / 100), at most 100,000;
/// - users: max(10, carts / 5).
public struct SampleShop: Sendable, Hashable {
    /// The scales a shop can have: from one line item up to ten million.
    public static let scales = 1...10_000_000
    public static let defaultScale = 1_000
    public static let defaultSeed: UInt64 = 1
    static let maxProducts = 100_000

    /// The number of cart line items.
    public let scale: Int
    public let seed: UInt64
    public let productCount: Int
    public let userCount: Int
    public let cartCount: Int
    /// Carts that come in pairs of 8 items (the first `2 * fullPairs` carts).
    let fullPairs: Int

    /// A shop of `scale` line items; `nil` when `scale` is outside ``scales``.
    public init?(scale: Int, seed: UInt64 = SampleShop.defaultSeed) {
        guard Self.scales.contains(scale) else { return nil }
        self.init(checkedScale: scale, seed: seed)
    }

    /// The shop of the default scale and seed.
    public static let standard = SampleShop(checkedScale: defaultScale, seed: defaultSeed)

    private init(checkedScale scale: Int, seed: UInt64) {
        self.scale = scale
        self.seed = seed
        fullPairs = scale / 8
        cartCount = 2 * fullPairs + (scale % 8 > 0 ? 1 : 0)
        productCount = min(Self.maxProducts, max(20, scale / 100))
        userCount = max(10, cartCount / 5)
    }

    /// The number of line items of all carts: `scale`.
    public var lineItemCount: Int { scale }

    /// The record kinds, which salt the hash so that product 7 and user 7 are unrelated.
    enum Kind: UInt64 {
        case product = 1, user = 2, cart = 3, pair = 4
    }

    func stream(_ kind: Kind, _ id: Int) -> SplitMix {
        SplitMix(seed: seed, kind: kind.rawValue, id: UInt64(truncatingIfNeeded: id))
    }
}

// MARK: - Products

extension SampleShop {
    /// Product `id` (1...productCount).
    public func product(_ id: Int) -> Product {
        precondition((1...productCount).contains(id), "product id \(id) is outside 1...\(productCount)")
        var r = stream(.product, id)
        let categoryIndex = r.below(Vocabulary.categories.count)
        let category = Vocabulary.categories[categoryIndex]
        let adjective = r.below(Vocabulary.adjectives.count)
        let noun = r.below(category.nouns.count)
        // About 1% of products have no brand (dummyjson leaves it out for some groceries).
        let brand: Int? = r.below(100) == 0 ? nil : r.below(category.brands.count)
        let phrase = r.below(Vocabulary.phrases.count)
        let dollars = category.minDollars + r.below(category.maxDollars - category.minDollars + 1)
        let ending = r.below(Self.priceEndings.count + 1)
        let cents = ending < Self.priceEndings.count ? Self.priceEndings[ending] : r.below(100)
        let stockRoll = r.below(100)
        let stock = stockRoll < 3 ? 0 : stockRoll < 15 ? 1 + r.below(9) : 10 + r.below(141)
        let created = Epoch.products + Int64(r.below(Epoch.yearMillis))
        let updated = created + Int64(r.below(Epoch.yearMillis))
        return Product(
            id: id, categoryIndex: categoryIndex, adjectiveIndex: adjective, nounIndex: noun, brandIndex: brand,
            phraseIndex: phrase, priceCents: dollars * 100 + cents,
            discountBasisPoints: 50 + r.below(1950), ratingHundredths: 250 + r.below(251), stock: stock,
            weight: 1 + r.below(10), widthHundredths: 500 + r.below(2501), heightHundredths: 500 + r.below(2501),
            depthHundredths: 500 + r.below(2501), createdAtMillis: created, updatedAtMillis: updated)
    }

    /// Most prices end in .99, .49, .95 or .00; the rest in any cents.
    static let priceEndings = [99, 99, 49, 95, 0]

    /// One product. Prices and percentages are held in cents and hundredths, so sums are exact;
    /// the text fields are spelled by the same code that writes the JSON.
    public struct Product: Sendable, Hashable {
        public let id: Int
        let categoryIndex: Int
        let adjectiveIndex: Int
        let nounIndex: Int
        let brandIndex: Int?
        let phraseIndex: Int
        public let priceCents: Int
        /// The discount in hundredths of a percent (1234 is 12.34%).
        public let discountBasisPoints: Int
        public let ratingHundredths: Int
        public let stock: Int
        public let weight: Int
        let widthHundredths: Int
        let heightHundredths: Int
        let depthHundredths: Int
        public let createdAtMillis: Int64
        public let updatedAtMillis: Int64

        var categoryInfo: Vocabulary.Category { Vocabulary.categories[categoryIndex] }
        public var title: String { ShopText.spell { $0.title(self) } }
        public var description: String { ShopText.spell { $0.description(self) } }
        public var category: String { categoryInfo.name.description }
        public var brand: String? { brandIndex.map { categoryInfo.brands[$0].description } }
        public var sku: String { ShopText.spell { $0.sku(self) } }
        public var tags: [String] { [categoryInfo.group.description, ShopText.spell { $0.lowercased(categoryInfo.nouns[nounIndex]) }] }
        public var thumbnail: String { ShopText.spell { $0.thumbnail(self) } }
        public var price: Double { Double(priceCents) / 100 }
        public var discountPercentage: Double { Double(discountBasisPoints) / 100 }
        public var rating: Double { Double(ratingHundredths) / 100 }
        public var availabilityStatus: String { availability.description }
        var availability: StaticString { stock == 0 ? "Out of Stock" : stock < 10 ? "Low Stock" : "In Stock" }
        public var dimensions: (width: Double, height: Double, depth: Double) {
            (Double(widthHundredths) / 100, Double(heightHundredths) / 100, Double(depthHundredths) / 100)
        }
    }
}

// MARK: - Users

extension SampleShop {
    /// User `id` (1...userCount).
    public func user(_ id: Int) -> User {
        precondition((1...userCount).contains(id), "user id \(id) is outside 1...\(userCount)")
        var r = stream(.user, id)
        let first = r.below(Vocabulary.firstNames.count)
        let last = r.below(Vocabulary.lastNames.count)
        let year = 1960 + r.below(47)
        let month = 1 + r.below(12)
        let day = 1 + r.below(Epoch.daysIn(month: month, year: year))
        let roleRoll = r.below(100)
        return User(
            id: id, firstNameIndex: first, lastNameIndex: last, birthYear: year, birthMonth: month, birthDay: day,
            phoneArea: r.below(900) + 100, phoneExchange: r.below(900) + 100, phoneLine: r.below(10_000),
            streetNumber: 1 + r.below(9999), streetIndex: r.below(Vocabulary.streets.count),
            cityIndex: r.below(Vocabulary.cities.count), postalCode: 10_000 + r.below(90_000),
            companyNameIndex: r.below(Vocabulary.lastNames.count), companySuffixIndex: r.below(Vocabulary.companySuffixes.count),
            jobTitleIndex: r.below(Vocabulary.jobTitles.count), departmentIndex: r.below(Vocabulary.departments.count),
            roleIndex: roleRoll < 2 ? 2 : roleRoll < 7 ? 1 : 0)
    }

    /// One user: names, contact details, address and employer, spelled like dummyjson's.
    public struct User: Sendable, Hashable {
        public let id: Int
        let firstNameIndex: Int
        let lastNameIndex: Int
        public let birthYear: Int
        public let birthMonth: Int
        public let birthDay: Int
        let phoneArea: Int
        let phoneExchange: Int
        let phoneLine: Int
        let streetNumber: Int
        let streetIndex: Int
        let cityIndex: Int
        let postalCode: Int
        let companyNameIndex: Int
        let companySuffixIndex: Int
        let jobTitleIndex: Int
        let departmentIndex: Int
        let roleIndex: Int

        static let roles: [StaticString] = ["user", "moderator", "admin"]

        public var firstName: String { Vocabulary.firstNames[firstNameIndex].name.description }
        public var lastName: String { Vocabulary.lastNames[lastNameIndex].description }
        public var gender: String { genderText.description }
        var genderText: StaticString { Vocabulary.firstNames[firstNameIndex].female ? "female" : "male" }
        /// Age on 2025-01-01, the shop's "today".
        public var age: Int { Epoch.referenceYear - birthYear - (birthMonth == 1 && birthDay == 1 ? 0 : 1) }
        public var email: String { ShopText.spell { $0.email(self) } }
        public var username: String { ShopText.spell { $0.username(self) } }
        public var phoneNumber: String { ShopText.spell { $0.phone(self) } }
        /// "YYYY-M-D", as dummyjson writes it.
        public var birthDate: String { ShopText.spell { $0.birthDate(self) } }
        public var city: String { Vocabulary.cities[cityIndex].city.description }
        public var role: String { Self.roles[roleIndex].description }
    }
}

// MARK: - Carts

extension SampleShop {
    /// The number of line items of cart `id`: pairs of carts share 8 items (1–7 each); the last
    /// cart holds what is left when `scale` is not a multiple of 8.
    public func itemCount(ofCart id: Int) -> Int {
        precondition((1...cartCount).contains(id), "cart id \(id) is outside 1...\(cartCount)")
        let pair = (id - 1) / 2
        guard pair < fullPairs else { return scale % 8 }
        var r = stream(.pair, pair)
        let first = 1 + r.below(7)
        return id % 2 == 1 ? first : 8 - first
    }

    /// Cart `id` (1...cartCount), with its line items and their totals.
    public func cart(_ id: Int) -> Cart {
        let count = itemCount(ofCart: id)
        var r = stream(.cart, id)
        let userID = 1 + r.below(userCount)
        // Carts are created in id order over 2024, each somewhere in its own slice of the year.
        let slice = Epoch.cartYearMillis / Int64(cartCount)
        let created = Epoch.carts + Int64(id - 1) * Epoch.cartYearMillis / Int64(cartCount)
            + Int64(r.below(Int(max(1, slice))))
        // A tenth of the catalogue gets half of the picks, as best-sellers do.
        let popular = max(1, productCount / 10)
        var productIDs: [Int] = []
        productIDs.reserveCapacity(count)
        while productIDs.count < count {
            let candidate = r.below(2) == 0 ? 1 + r.below(popular) : 1 + r.below(productCount)
            if !productIDs.contains(candidate) { productIDs.append(candidate) }
        }
        var lines: [LineItem] = []
        lines.reserveCapacity(count)
        for productID in productIDs {
            lines.append(LineItem(product: product(productID), quantity: Self.quantities[r.below(Self.quantities.count)]))
        }
        return Cart(id: id, userID: userID, createdAtMillis: created, products: lines)
    }

    /// Quantities, mostly one.
    static let quantities = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5]

    /// One line of a cart: a product, how many, and what they cost before and after its discount.
    public struct LineItem: Sendable, Hashable {
        public let product: Product
        public let quantity: Int

        /// price × quantity, in cents.
        public var totalCents: Int { product.priceCents * quantity }
        /// The total less the product's discount, rounded half up to the cent.
        public var discountedTotalCents: Int { (totalCents * (10_000 - product.discountBasisPoints) + 5_000) / 10_000 }
    }

    /// One cart. Its totals are the exact sums of its lines' totals, in cents.
    public struct Cart: Sendable, Hashable {
        public let id: Int
        public let userID: Int
        public let createdAtMillis: Int64
        public let products: [LineItem]

        public var totalCents: Int { products.reduce(0) { $0 + $1.totalCents } }
        public var discountedTotalCents: Int { products.reduce(0) { $0 + $1.discountedTotalCents } }
        public var totalProducts: Int { products.count }
        public var totalQuantity: Int { products.reduce(0) { $0 + $1.quantity } }
        /// ISO 8601 UTC with milliseconds, e.g. "2024-03-05T12:34:56.789Z".
        public var createdAt: String { ShopText.spell { $0.timestamp(millis: createdAtMillis) } }
    }
}

// MARK: - Support

/// The fixed dates the shop's records are spread over (Unix milliseconds, UTC).
enum Epoch {
    /// 2023-01-01: products are created during 2023 and updated within a year after.
    static let products: Int64 = 1_672_531_200_000
    /// 2024-01-01: carts are created during 2024 (a leap year).
    static let carts: Int64 = 1_704_067_200_000
    static let cartYearMillis: Int64 = 366 * 86_400_000
    static let yearMillis = 365 * 86_400_000
    /// Ages are counted on 2025-01-01.
    static let referenceYear = 2025

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// splitmix64 (Steele, Lea and Flood; as in Java's SplittableRandom): a fast, well-mixed stream
/// of 64-bit values started from a hash of (seed, kind, id).
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64, kind: UInt64, id: UInt64) {
        state = Self.mix(seed &+ Self.mix(kind &* 0xD1B5_4A32_D192_ED03 ^ Self.mix(id)))
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<n (n > 0), by multiply-high (Lemire), whose bias at these sizes is nil.
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }
}
