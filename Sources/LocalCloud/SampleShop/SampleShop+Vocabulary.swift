/// The words the sample shop's records are made of: plain ASCII with nothing JSON must escape
/// (no quotes, backslashes or control characters), so the writer copies them as they are.
/// `StaticString`s so that writing one costs no allocation.
enum Vocabulary {
    /// A product category as dummyjson names it, the tag shared by its group, its price range in
    /// whole dollars, its brands and what it sells; with the spellings the writer needs often
    /// (lower-case nouns for tags, slugs for thumbnails) made once.
    final class Category: Sendable {
        let name: StaticString
        let code: StaticString
        let group: StaticString
        let minDollars: Int
        let maxDollars: Int
        let brands: [StaticString]
        let nouns: [StaticString]
        /// "https://cdn.dummyjson.com/product-images/NAME/".
        let thumbnailPrefix: [UInt8]
        let lowercaseNouns: [[UInt8]]
        let nounSlugs: [[UInt8]]

        init(name: StaticString, code: StaticString, group: StaticString, minDollars: Int, maxDollars: Int,
             brands: [StaticString], nouns: [StaticString]) {
            self.name = name
            self.code = code
            self.group = group
            self.minDollars = minDollars
            self.maxDollars = maxDollars
            self.brands = brands
            self.nouns = nouns
            thumbnailPrefix = Array("https://cdn.dummyjson.com/product-images/".utf8) + Vocabulary.bytes(name) + [UInt8(ascii: "/")]
            lowercaseNouns = nouns.map { Vocabulary.bytes($0).map(Vocabulary.lower) }
            nounSlugs = nouns.map(Vocabulary.slug)
        }
    }

    static func bytes(_ text: StaticString) -> [UInt8] { text.withUTF8Buffer { Array($0) } }

    static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }

    /// Lower-case letters and digits, spaces as dashes, anything else left out: "MacBook Pro 14" → "macbook-pro-14".
    static func slug(_ text: StaticString) -> [UInt8] {
        bytes(text).compactMap { c in
            switch c {
            case 65...90: c + 32
            case 32: UInt8(ascii: "-")
            case 48...57, 97...122: c
            default: nil
            }
        }
    }

    static let categories: [Category] = [
        Category(name: "beauty", code: "BEA", group: "beauty", minDollars: 5, maxDollars: 40,
                 brands: ["Essence", "Glamour Beauty", "Velvet Touch", "Chic Cosmetics", "Nail Couture"],
                 nouns: ["Mascara", "Eyeshadow Palette", "Powder Canister", "Red Lipstick", "Nail Polish", "Blush"]),
        Category(name: "fragrances", code: "FRA", group: "beauty", minDollars: 30, maxDollars: 160,
                 brands: ["Calvin Klein", "Chanel", "Dior", "Dolce and Gabbana", "Gucci"],
                 nouns: ["Eau de Parfum", "Eau de Toilette", "Cologne", "Perfume Oil", "Body Mist"]),
        Category(name: "furniture", code: "FUR", group: "home", minDollars: 80, maxDollars: 2500,
                 brands: ["Annibale Colombo", "Furniture Co.", "Knoll", "Bath Trends"],
                 nouns: ["Bed", "Sofa", "Bedside Table", "Office Chair", "Bathtub", "Bookshelf"]),
        Category(name: "groceries", code: "GRO", group: "food", minDollars: 1, maxDollars: 20,
                 brands: ["Green Acres", "Daily Harvest", "Orchard Fresh", "Pantry Basics"],
                 nouns: ["Apple", "Beef Steak", "Cat Food", "Cooking Oil", "Honey Jar", "Ice Cream", "Juice", "Kiwi"]),
        Category(name: "home-decoration", code: "HOM", group: "home", minDollars: 10, maxDollars: 120,
                 brands: ["Decor Studio", "Hearth and Home", "Lumen", "Nordic Nest"],
                 nouns: ["Decoration Swing", "Family Tree Photo Frame", "House Showpiece Plant", "Table Lamp", "Wall Clock"]),
        Category(name: "kitchen-accessories", code: "KIT", group: "home", minDollars: 3, maxDollars: 90,
                 brands: ["Chef Line", "Kitchen Pro", "Copper Pot", "Everyday Cook"],
                 nouns: ["Bamboo Spatula", "Black Aluminium Cup", "Chopping Board", "Fine Mesh Strainer", "Hand Blender", "Knife Set"]),
        Category(name: "laptops", code: "LAP", group: "electronics", minDollars: 400, maxDollars: 2600,
                 brands: ["Apple", "Asus", "Huawei", "Lenovo", "Dell"],
                 nouns: ["MacBook Pro 14", "Zenbook Pro Dual Screen", "Matebook X Pro", "Yoga 920", "XPS 13"]),
        Category(name: "mens-shirts", code: "MSH", group: "clothing", minDollars: 15, maxDollars: 70,
                 brands: ["Fashion Trends", "Gigabyte", "Classic Wear", "Urban Threads"],
                 nouns: ["Blue and Black Check Shirt", "Gigabyte Aorus Men Tshirt", "Plaid Shirt", "Linen Shirt", "Polo Shirt"]),
        Category(name: "mens-shoes", code: "MSO", group: "footwear", minDollars: 40, maxDollars: 220,
                 brands: ["Nike", "Puma", "Off White", "Adidas"],
                 nouns: ["Air Jordan 1", "Running Shoes", "Sports Sneakers", "Leather Loafers", "Trail Boots"]),
        Category(name: "mens-watches", code: "MWA", group: "accessories", minDollars: 60, maxDollars: 900,
                 brands: ["Brown Leather", "Longines", "Rolex", "IWC"],
                 nouns: ["Chronograph Watch", "Dive Watch", "Dress Watch", "Field Watch", "Leather Strap Watch"]),
        Category(name: "mobile-accessories", code: "MOB", group: "electronics", minDollars: 5, maxDollars: 250,
                 brands: ["Amazon", "Apple", "Beats", "TV Studio", "Anker"],
                 nouns: ["AirPods Max", "Charger", "Phone Case", "Power Bank", "Selfie Stick", "Wireless Earbuds"]),
        Category(name: "motorcycle", code: "MOT", group: "vehicles", minDollars: 2500, maxDollars: 18000,
                 brands: ["Generic Motors", "Kawasaki", "MotoGP", "Scooter"],
                 nouns: ["Motorcycle", "Sport Bike", "Scooter", "Cruiser", "Dirt Bike"]),
        Category(name: "skin-care", code: "SKI", group: "beauty", minDollars: 6, maxDollars: 60,
                 brands: ["Olay", "Vaseline", "Attitude", "Dermacare"],
                 nouns: ["Body Lotion", "Face Wash", "Sunscreen", "Night Cream", "Toner"]),
        Category(name: "smartphones", code: "SMA", group: "electronics", minDollars: 150, maxDollars: 1400,
                 brands: ["Apple", "Oppo", "Realme", "Samsung", "Vivo"],
                 nouns: ["iPhone 13 Pro", "Oppo A57", "Realme C35", "Galaxy S10", "Vivo X21"]),
        Category(name: "sports-accessories", code: "SPO", group: "sports", minDollars: 5, maxDollars: 150,
                 brands: ["Sportline", "Pro Fit", "Court King", "Trailhead"],
                 nouns: ["American Football", "Baseball Glove", "Basketball", "Cricket Bat", "Tennis Racket", "Yoga Mat"]),
        Category(name: "sunglasses", code: "SUN", group: "accessories", minDollars: 15, maxDollars: 250,
                 brands: ["Ray Shade", "Sun Guard", "Polaris", "Classic Optics"],
                 nouns: ["Black Sun Glasses", "Classic Sun Glasses", "Green and Black Glasses", "Party Glasses", "Aviators"]),
        Category(name: "tablets", code: "TAB", group: "electronics", minDollars: 120, maxDollars: 1300,
                 brands: ["Apple", "Samsung", "Lenovo"],
                 nouns: ["iPad Mini", "Galaxy Tab S8", "Galaxy Tab White", "Tab P11", "Drawing Tablet"]),
        Category(name: "tops", code: "TOP", group: "clothing", minDollars: 10, maxDollars: 60,
                 brands: ["Fashion Trends", "Girls Club", "Urban Threads"],
                 nouns: ["Blue Frock", "Girl Summer Dress", "Short Frock", "Tartan Dress", "Crop Top"]),
        Category(name: "vehicle", code: "VEH", group: "vehicles", minDollars: 15000, maxDollars: 90000,
                 brands: ["Chrysler", "Dodge", "Jeep", "Ford"],
                 nouns: ["300 Touring", "Charger SXT RWD", "Durango SXT RWD", "Pacifica Touring", "Wrangler"]),
        Category(name: "womens-bags", code: "WBA", group: "accessories", minDollars: 25, maxDollars: 600,
                 brands: ["Prada", "Heshe", "White Faux", "Fashion Express"],
                 nouns: ["Blue Women Handbag", "Heshe Women Leather Bag", "Prada Women Bag", "Tote Bag", "Clutch"]),
        Category(name: "womens-dresses", code: "WDR", group: "clothing", minDollars: 20, maxDollars: 180,
                 brands: ["Dress Me", "Fashion Express", "Corset Co."],
                 nouns: ["Black Women Gown", "Corset Leather With Skirt", "Dress Pea", "Marni Red and Black Suit", "Maxi Dress"]),
        Category(name: "womens-jewellery", code: "WJE", group: "accessories", minDollars: 10, maxDollars: 400,
                 brands: ["Silver Lane", "Pearl and Co.", "Goldsmith"],
                 nouns: ["Green Crystal Earring", "Green Oval Earring", "Tropical Earring", "Pendant", "Bracelet"]),
        Category(name: "womens-shoes", code: "WSH", group: "footwear", minDollars: 25, maxDollars: 250,
                 brands: ["Pampi", "Comfort Trends", "Fashion Diva", "Step Up"],
                 nouns: ["Black and Brown Slipper", "Calvin Klein Heel Shoes", "Golden Shoes Woman", "Pampi Shoes", "Red Shoes"]),
        Category(name: "womens-watches", code: "WWA", group: "accessories", minDollars: 50, maxDollars: 700,
                 brands: ["IWC", "Rolex", "Fashion Gold"],
                 nouns: ["IWC Ingenieur Automatic Steel", "Rolex Cellini Moonphase", "Rolex Datejust Women", "Watch Gold for Women", "Dress Watch"]),
    ]

    static let adjectives: [StaticString] = [
        "Classic", "Deluxe", "Essential", "Premium", "Compact", "Modern", "Vintage", "Everyday",
        "Eco", "Smart", "Ultra", "Signature", "Travel", "Pro", "Lite", "Original",
    ]

    static let adjectiveSlugs: [[UInt8]] = adjectives.map(slug)

    static let phrases: [StaticString] = [
        "is made to last and easy to care for.",
        "combines a clean design with everyday comfort.",
        "is a customer favourite for its quality and value.",
        "arrives ready to use, straight out of the box.",
        "is crafted from carefully sourced materials.",
        "brings a touch of style to any occasion.",
        "is lightweight, durable and built for daily use.",
        "comes with a satisfaction guarantee.",
    ]

    /// First names with the gender dummyjson gives them.
    static let firstNames: [(name: StaticString, female: Bool)] = [
        ("Emily", true), ("Michael", false), ("Sophia", true), ("James", false), ("Emma", true), ("Olivia", true),
        ("Alexander", false), ("Ava", true), ("Ethan", false), ("Isabella", true), ("Liam", false), ("Mia", true),
        ("Noah", false), ("Charlotte", true), ("William", false), ("Amelia", true), ("Benjamin", false), ("Harper", true),
        ("Lucas", false), ("Evelyn", true), ("Henry", false), ("Abigail", true), ("Daniel", false), ("Ella", true),
        ("Jackson", false), ("Scarlett", true), ("Mateo", false), ("Grace", true), ("Samuel", false), ("Chloe", true),
        ("David", false), ("Lily", true), ("Joseph", false), ("Aria", true), ("Owen", false), ("Zoe", true),
        ("Wyatt", false), ("Nora", true), ("Leo", false), ("Hannah", true), ("Julian", false), ("Layla", true),
        ("Gabriel", false), ("Riley", true), ("Carter", false), ("Stella", true), ("Isaac", false), ("Aurora", true),
    ]

    static let lastNames: [StaticString] = [
        "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
        "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
        "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
        "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
        "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Kim",
    ]

    static let streets: [StaticString] = [
        "Main Street", "Oak Street", "Pine Street", "Maple Avenue", "Cedar Lane", "Elm Street", "Washington Avenue",
        "Lake Road", "Hill Street", "Park Avenue", "Sunset Boulevard", "River Road", "Church Street", "Mill Road",
        "Forest Drive", "Highland Avenue", "Spring Street", "Chestnut Street", "Walnut Street", "Broadway",
    ]

    /// US cities with their state, as dummyjson's addresses name them.
    static let cities: [(city: StaticString, state: StaticString)] = [
        ("Phoenix", "Mississippi"), ("Houston", "Alabama"), ("Washington", "Alabama"), ("Seattle", "Pennsylvania"),
        ("Jacksonville", "Florida"), ("Dallas", "Texas"), ("San Francisco", "Wyoming"), ("Denver", "Colorado"),
        ("Boston", "Massachusetts"), ("Chicago", "Illinois"), ("Columbus", "Ohio"), ("Fort Worth", "Texas"),
        ("Indianapolis", "Indiana"), ("Charlotte", "North Carolina"), ("Nashville", "Tennessee"), ("Portland", "Oregon"),
        ("Las Vegas", "Nevada"), ("Louisville", "Kentucky"), ("Memphis", "Tennessee"), ("Baltimore", "Maryland"),
        ("Milwaukee", "Wisconsin"), ("Albuquerque", "New Mexico"), ("Tucson", "Arizona"), ("Fresno", "California"),
    ]

    static let companySuffixes: [StaticString] = [
        "Group", "LLC", "Inc", "and Sons", "Holdings", "Partners", "Labs", "and Co",
    ]

    static let departments: [StaticString] = [
        "Engineering", "Support", "Research and Development", "Human Resources", "Product Management",
        "Marketing", "Services", "Accounting", "Training", "Legal", "Sales", "Business Development",
    ]

    static let jobTitles: [StaticString] = [
        "Sales Manager", "Support Specialist", "Research Analyst", "Web Developer", "Accountant", "Product Manager",
        "Quality Engineer", "Recruiter", "Legal Counsel", "Account Executive", "Data Analyst", "Office Manager",
    ]
}
