import TerraceTime
/// The sample shop's JSON, written straight into bytes: no `JSON` values are built, numbers are
/// formatted by hand, and the words come from ``Vocabulary``'s static strings, which need no
/// escaping. Money and percentages always carry two decimals ("13.00"), so every reader sees
/// the same type in a column.
extension SampleShop {
    /// The three collections the shop serves, named as dummyjson names them.
    public enum Collection: String, Sendable, CaseIterable {
        case products, users, carts

        /// "Product", "User", "Cart": for messages.
        public var singular: String {
            switch self {
            case .products: "Product"
            case .users: "User"
            case .carts: "Cart"
            }
        }
    }

    /// The number of records in `collection`.
    public func count(of collection: Collection) -> Int {
        switch collection {
        case .products: productCount
        case .users: userCount
        case .carts: cartCount
        }
    }

    /// A page as dummyjson answers it: `{"carts":[…],"total":N,"skip":S,"limit":L}` with the
    /// records `skip + 1 ... skip + limit` that exist; `limit` in the answer is how many it holds.
    public func page(_ collection: Collection, skip: Int, limit: Int) -> [UInt8] {
        render(collection, skip: skip, limit: limit).bytes
    }

    /// ``page(_:skip:limit:)`` in the writer's own buffer, for a server to copy once to the wire.
    func render(_ collection: Collection, skip: Int, limit: Int) -> ShopText {
        let total = count(of: collection)
        let first = min(max(0, skip), total)
        let end = min(total, first + max(0, limit))
        var out = ShopText(capacity: 64 + (end - first) * Self.estimatedBytes(collection))
        out.byte(UInt8(ascii: "{"))
        out.byte(UInt8(ascii: "\""))
        out.string(collection.rawValue)
        out.raw("\":[")
        for index in first..<end {
            if index > first { out.byte(UInt8(ascii: ",")) }
            out.record(self, collection, id: index + 1)
        }
        out.raw("],\"total\":")
        out.int(total)
        out.raw(",\"skip\":")
        out.int(max(0, skip))
        out.raw(",\"limit\":")
        out.int(end - first)
        out.byte(UInt8(ascii: "}"))
        return out
    }

    /// One record's JSON; `id` must be in 1...count(of: collection).
    public func json(_ collection: Collection, id: Int) -> [UInt8] {
        var out = ShopText(capacity: 2 * Self.estimatedBytes(collection))
        out.record(self, collection, id: id)
        return out.bytes
    }

    static func estimatedBytes(_ collection: Collection) -> Int {
        switch collection {
        case .products: 640
        case .users: 560
        case .carts: 1_400
        }
    }
}

/// A growing byte buffer with the writers of the shop's text and JSON. It writes through a raw
/// pointer: appending to an `[UInt8]` a few bytes at a time costs several times more.
struct ShopText: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 64) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// What was written, as an array.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Calls `body` with what was written, without copying it.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// The text `body` writes, as a String.
    static func spell(_ body: (inout ShopText) -> Void) -> String {
        var text = ShopText()
        body(&text)
        return text.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: Primitives

    /// Makes room for `n` more bytes.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        reserve(1)
        base[count] = value
        count += 1
    }

    @inline(__always)
    mutating func append(_ source: UnsafeBufferPointer<UInt8>) {
        guard let start = source.baseAddress else { return }
        reserve(source.count)
        (base + count).update(from: start, count: source.count)
        count += source.count
    }

    @inline(__always)
    mutating func append(_ source: [UInt8]) {
        source.withUnsafeBufferPointer { append($0) }
    }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// A String known to need no escaping (the collection names).
    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// `"text"`.
    @inline(__always)
    mutating func quoted(_ text: StaticString) {
        text.withUTF8Buffer { buffer in
            reserve(buffer.count + 2)
            base[count] = UInt8(ascii: "\"")
            count += 1
            append(buffer)
            base[count] = UInt8(ascii: "\"")
            count += 1
        }
    }

    mutating func lowercased(_ text: StaticString) {
        text.withUTF8Buffer { buffer in
            reserve(buffer.count)
            for c in buffer {
                base[count] = c >= 65 && c <= 90 ? c + 32 : c
                count += 1
            }
        }
    }

    mutating func int(_ value: Int) {
        if value < 0 {
            byte(UInt8(ascii: "-"))
            uint(UInt64(value.magnitude))
        } else {
            uint(UInt64(value))
        }
    }

    mutating func uint(_ value: UInt64) {
        if value < 10 {
            byte(48 &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        reserve(digits)
        rest = value
        var index = count + digits
        repeat {
            index -= 1
            base[index] = 48 &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while rest > 0
        count += digits
    }

    /// `value` zero-padded to `width` digits (value ≥ 0).
    mutating func padded(_ value: Int, width: Int) {
        var digits = 1
        var limit = 10
        while value >= limit && digits < 19 {
            digits += 1
            limit *= 10
        }
        for _ in digits..<max(digits, width) { byte(48) }
        uint(UInt64(value))
    }

    /// Hundredths with two decimals: 1234 → "12.34", 5 → "0.05".
    mutating func hundredths(_ value: Int) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        let magnitude = Int(value.magnitude)
        uint(UInt64(magnitude / 100))
        byte(UInt8(ascii: "."))
        let cents = magnitude % 100
        byte(48 &+ UInt8(cents / 10))
        byte(48 &+ UInt8(cents % 10))
    }

    /// ISO 8601 UTC with milliseconds: "2024-03-05T12:34:56.789Z".
    mutating func timestamp(millis: Int64) {
        let (days, dayMillis) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let (year, month, day) = Timestamp.civil(fromDays: days - (dayMillis < 0 ? 1 : 0))
        let (y, m, d) = (Int(year), Int(month), Int(day))
        let ms = Int(dayMillis < 0 ? dayMillis + 86_400_000 : dayMillis)
        padded(y, width: 4)
        byte(UInt8(ascii: "-"))
        padded(m, width: 2)
        byte(UInt8(ascii: "-"))
        padded(d, width: 2)
        byte(UInt8(ascii: "T"))
        padded(ms / 3_600_000, width: 2)
        byte(UInt8(ascii: ":"))
        padded(ms / 60_000 % 60, width: 2)
        byte(UInt8(ascii: ":"))
        padded(ms / 1_000 % 60, width: 2)
        byte(UInt8(ascii: "."))
        padded(ms % 1_000, width: 3)
        byte(UInt8(ascii: "Z"))
    }

    // MARK: Text fields

    mutating func title(_ product: SampleShop.Product) {
        raw(Vocabulary.adjectives[product.adjectiveIndex])
        byte(UInt8(ascii: " "))
        raw(product.categoryInfo.nouns[product.nounIndex])
    }

    mutating func description(_ product: SampleShop.Product) {
        raw("The ")
        title(product)
        if let brand = product.brandIndex {
            raw(" by ")
            raw(product.categoryInfo.brands[brand])
        }
        byte(UInt8(ascii: " "))
        raw(Vocabulary.phrases[product.phraseIndex])
    }

    /// CATEGORY-BRAND-ID, e.g. "BEA-ESS-00002S": the id in base 36, so every SKU is unique.
    mutating func sku(_ product: SampleShop.Product) {
        let category = product.categoryInfo
        raw(category.code)
        byte(UInt8(ascii: "-"))
        if let brand = product.brandIndex {
            var taken = 0
            category.brands[brand].withUTF8Buffer { buffer in
                for c in buffer where taken < 3 && (c >= 48 && c <= 57 || c >= 65 && c <= 90 || c >= 97 && c <= 122) {
                    byte(c >= 97 ? c - 32 : c)
                    taken += 1
                }
            }
            for _ in taken..<3 { byte(UInt8(ascii: "X")) }
        } else {
            raw("GEN")
        }
        byte(UInt8(ascii: "-"))
        let alphabet: StaticString = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        reserve(6)
        var rest = product.id
        alphabet.withUTF8Buffer { letters in
            for index in (0..<6).reversed() {
                base[count + index] = letters[rest % 36]
                rest /= 36
            }
        }
        count += 6
    }

    /// A slug of the title, lower-case with dashes, in a dummyjson-like CDN path.
    mutating func thumbnail(_ product: SampleShop.Product) {
        let category = product.categoryInfo
        append(category.thumbnailPrefix)
        append(Vocabulary.adjectiveSlugs[product.adjectiveIndex])
        byte(UInt8(ascii: "-"))
        append(category.nounSlugs[product.nounIndex])
        raw("/thumbnail.webp")
    }

    mutating func email(_ user: SampleShop.User) {
        lowercased(Vocabulary.firstNames[user.firstNameIndex].name)
        byte(UInt8(ascii: "."))
        lowercased(Vocabulary.lastNames[user.lastNameIndex])
        int(user.id)
        raw("@x.dummyjson.com")
    }

    /// First name and last initial, lower-case, then the id: "emilyj1".
    mutating func username(_ user: SampleShop.User) {
        lowercased(Vocabulary.firstNames[user.firstNameIndex].name)
        Vocabulary.lastNames[user.lastNameIndex].withUTF8Buffer { buffer in
            if let c = buffer.first { byte(c >= 65 && c <= 90 ? c + 32 : c) }
        }
        int(user.id)
    }

    mutating func phone(_ user: SampleShop.User) {
        raw("+1 ")
        int(user.phoneArea)
        byte(UInt8(ascii: "-"))
        int(user.phoneExchange)
        byte(UInt8(ascii: "-"))
        padded(user.phoneLine, width: 4)
    }

    mutating func birthDate(_ user: SampleShop.User) {
        int(user.birthYear)
        byte(UInt8(ascii: "-"))
        int(user.birthMonth)
        byte(UInt8(ascii: "-"))
        int(user.birthDay)
    }

    // MARK: Records

    mutating func record(_ shop: SampleShop, _ collection: SampleShop.Collection, id: Int) {
        switch collection {
        case .products: product(shop.product(id))
        case .users: user(shop.user(id))
        case .carts: cart(shop.cart(id))
        }
    }

    mutating func product(_ p: SampleShop.Product) {
        let category = p.categoryInfo
        raw("{\"id\":")
        int(p.id)
        raw(",\"title\":\"")
        title(p)
        raw("\",\"description\":\"")
        description(p)
        raw("\",\"category\":")
        quoted(category.name)
        raw(",\"price\":")
        hundredths(p.priceCents)
        raw(",\"discountPercentage\":")
        hundredths(p.discountBasisPoints)
        raw(",\"rating\":")
        hundredths(p.ratingHundredths)
        raw(",\"stock\":")
        int(p.stock)
        raw(",\"brand\":")
        if let brand = p.brandIndex { quoted(category.brands[brand]) } else { raw("null") }
        raw(",\"sku\":\"")
        sku(p)
        raw("\",\"weight\":")
        int(p.weight)
        raw(",\"dimensions\":{\"width\":")
        hundredths(p.widthHundredths)
        raw(",\"height\":")
        hundredths(p.heightHundredths)
        raw(",\"depth\":")
        hundredths(p.depthHundredths)
        raw("},\"tags\":[")
        quoted(category.group)
        raw(",\"")
        append(category.lowercaseNouns[p.nounIndex])
        raw("\"],\"availabilityStatus\":")
        quoted(p.availability)
        raw(",\"meta\":{\"createdAt\":\"")
        timestamp(millis: p.createdAtMillis)
        raw("\",\"updatedAt\":\"")
        timestamp(millis: p.updatedAtMillis)
        raw("\"},\"thumbnail\":\"")
        thumbnail(p)
        raw("\"}")
    }

    mutating func user(_ u: SampleShop.User) {
        let first = Vocabulary.firstNames[u.firstNameIndex]
        let place = Vocabulary.cities[u.cityIndex]
        raw("{\"id\":")
        int(u.id)
        raw(",\"firstName\":")
        quoted(first.name)
        raw(",\"lastName\":")
        quoted(Vocabulary.lastNames[u.lastNameIndex])
        raw(",\"age\":")
        int(u.age)
        raw(",\"gender\":")
        quoted(u.genderText)
        raw(",\"email\":\"")
        email(u)
        raw("\",\"phone\":\"")
        phone(u)
        raw("\",\"username\":\"")
        username(u)
        raw("\",\"birthDate\":\"")
        birthDate(u)
        raw("\",\"address\":{\"address\":\"")
        int(u.streetNumber)
        byte(UInt8(ascii: " "))
        raw(Vocabulary.streets[u.streetIndex])
        raw("\",\"city\":")
        quoted(place.city)
        raw(",\"state\":")
        quoted(place.state)
        raw(",\"postalCode\":\"")
        int(u.postalCode)
        raw("\",\"country\":\"United States\"},\"company\":{\"name\":\"")
        raw(Vocabulary.lastNames[u.companyNameIndex])
        byte(UInt8(ascii: " "))
        raw(Vocabulary.companySuffixes[u.companySuffixIndex])
        raw("\",\"title\":")
        quoted(Vocabulary.jobTitles[u.jobTitleIndex])
        raw(",\"department\":")
        quoted(Vocabulary.departments[u.departmentIndex])
        raw("},\"role\":")
        quoted(SampleShop.User.roles[u.roleIndex])
        byte(UInt8(ascii: "}"))
    }

    mutating func cart(_ c: SampleShop.Cart) {
        raw("{\"id\":")
        int(c.id)
        raw(",\"products\":[")
        var total = 0
        var discounted = 0
        var quantity = 0
        for (index, line) in c.products.enumerated() {
            if index > 0 { byte(UInt8(ascii: ",")) }
            let lineTotal = line.totalCents
            let lineDiscounted = line.discountedTotalCents
            total += lineTotal
            discounted += lineDiscounted
            quantity += line.quantity
            raw("{\"id\":")
            int(line.product.id)
            raw(",\"title\":\"")
            title(line.product)
            raw("\",\"price\":")
            hundredths(line.product.priceCents)
            raw(",\"quantity\":")
            int(line.quantity)
            raw(",\"total\":")
            hundredths(lineTotal)
            raw(",\"discountPercentage\":")
            hundredths(line.product.discountBasisPoints)
            raw(",\"discountedTotal\":")
            hundredths(lineDiscounted)
            raw(",\"thumbnail\":\"")
            thumbnail(line.product)
            raw("\"}")
        }
        raw("],\"total\":")
        hundredths(total)
        raw(",\"discountedTotal\":")
        hundredths(discounted)
        raw(",\"userId\":")
        int(c.userID)
        raw(",\"totalProducts\":")
        int(c.products.count)
        raw(",\"totalQuantity\":")
        int(quantity)
        raw(",\"createdAt\":\"")
        timestamp(millis: c.createdAtMillis)
        raw("\"}")
    }
}

