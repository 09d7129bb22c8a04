import BigQueryFunctions
import Testing

struct BigQueryFunctionsHashTests {
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#farm_fingerprint
    // FARM_FINGERPRINT(CONCAT(CAST(x AS STRING), y, CAST(z AS STRING))) for the documented rows.
    @Test(arguments: [
        ("1footrue", Int64(-1_541_654_101_129_638_711)),
        ("2applefalse", Int64(2_794_438_866_806_483_259)),
        ("3true", Int64(-4_880_158_226_897_771_312)),
    ])
    func farmFingerprintMatchesTheDocumentedRows(input: String, expected: Int64) {
        #expect(HashFunctions.farmFingerprint(input) == expected)
    }

    // Known Fingerprint64 (farmhashna::Hash64) vectors from the public farmhash64 ports
    // (tecnickcom/farmhash64 test tables), one per length class of the algorithm.
    @Test(arguments: [
        ("", UInt64(0x9ae1_6a3b_2f90_404f)),                                              // 0 bytes
        ("a", 0xb345_4265_b6df_75e3),                                                     // 1-3
        ("abc", 0x24a5_b3a0_74e7_f369),                                                   // 1-3
        ("abcd", 0x1a55_02de_4a1f_8101),                                                  // 4-7
        ("abcdefg", 0x3c40_c92b_1ccb_7355),                                               // 4-7
        ("abcdefgh", 0xfee9_d229_90c8_2909),                                              // 8-16
        ("0123456789'01234", 0x4283_d4ef_4362_7f64),                                      // 16
        ("0123456789=012345", 0x46a7_416e_d486_1e3b),                                     // 17-32
        ("C is as portable as Stonehedge!!", 0xb944_f8a1_6261_e414),                      // 32
        ("Discard medicine more than two years old.", 0xe8f8_9ab6_df9b_dd25),             // 33-64
        ("How can you write a big system without C++?  -Paul Glick", 0x5a0a_6efd_52e8_4e2a), // 33-64
        ("For every action there is an equal and opposite government program.", 0x5518_2f88_59ec_a4ce), // > 64
        ("The fugacity of a constituent in a mixture of gases at a given temperature is proportional to its mole fraction.  Lewis-Randall Rule",
         0x098e_ff69_58c5_e91a),                                                          // > 128
    ])
    func fingerprint64MatchesKnownVectors(input: String, expected: UInt64) {
        #expect(FarmHash.fingerprint64(Array(input.utf8)) == expected)
    }

    @Test func farmFingerprintOfBytesEqualsThatOfTheSameString() {
        #expect(HashFunctions.farmFingerprint(Array("alphabet".utf8)) == HashFunctions.farmFingerprint("alphabet"))
    }

    @Test func farmFingerprintOfNullIsNull() {
        #expect(HashFunctions.farmFingerprint(nil as String?) == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#md5
    // SELECT MD5("Hello World") → b"\xb1\n\x8d\xb1d\xe0uA\x05\xb7\xa9\x9b\xe7.?\xe5"
    @Test func md5MatchesTheDocumentedExample() {
        #expect(BQFixture.hex(HashFunctions.md5("Hello World")) == "b10a8db164e0754105b7a99be72e3fe5")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#sha1
    // SELECT SHA1("Hello World") → b"\nMU\xa8\xd7x\xe5\x02/\xabp\x19w\xc5\xd8@\xbb\xc4\x86\xd0"
    @Test func sha1MatchesTheDocumentedExample() {
        #expect(BQFixture.hex(HashFunctions.sha1("Hello World")) == "0a4d55a8d778e5022fab701977c5d840bbc486d0")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#sha256
    // (the page shows no output; this is the FIPS 180-2 "abc" vector)
    @Test func sha256MatchesTheFIPSVector() {
        #expect(BQFixture.hex(HashFunctions.sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#sha512
    // (the page shows no output; this is the FIPS 180-2 "abc" vector)
    @Test func sha512MatchesTheFIPSVector() {
        #expect(BQFixture.hex(HashFunctions.sha512("abc")) == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    }

    // RFC 1321 test suite and FIPS 180 vectors spanning a multi-block message.
    @Test func digestsHandleEmptyAndMultiBlockInputs() {
        #expect(BQFixture.hex(HashFunctions.md5("")) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(BQFixture.hex(HashFunctions.md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890")) == "57edf4a22be3c955ac49da2e2107b67a")
        #expect(BQFixture.hex(HashFunctions.sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(BQFixture.hex(HashFunctions.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func hashesOfNullAreNull() {
        #expect(HashFunctions.md5(nil as [UInt8]?) == nil)
        #expect(HashFunctions.sha256(nil as String?) == nil)
    }
}

struct BigQueryFunctionsUUIDTests {
    struct CountingGenerator: RandomNumberGenerator {
        var state: UInt64 = 0
        mutating func next() -> UInt64 {
            state &+= 0x0123_4567_89ab_cdef
            return state
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/utility-functions#generate_uuid
    // (a random version 4 UUID: lowercase hexadecimal in 8-4-4-4-12 groups)
    @Test func uuidHasTheVersion4LayoutInLowercase() {
        var generator = CountingGenerator()
        let uuid = UUIDFunctions.generateUUID(using: &generator)
        #expect(uuid == "01234567-89ab-4def-8246-8acf13579bde")
    }

    @Test func uuidIsDeterministicForASeededGenerator() {
        var first = CountingGenerator()
        var second = CountingGenerator()
        #expect(UUIDFunctions.generateUUID(using: &first) == UUIDFunctions.generateUUID(using: &second))
    }

    @Test func systemUUIDsDiffer() {
        #expect(UUIDFunctions.generateUUID() != UUIDFunctions.generateUUID())
    }
}
