/// FarmHash `Fingerprint64` (`farmhashna::Hash64`), the function behind BigQuery's
/// `FARM_FINGERPRINT`. A faithful port of Google's public farmhash.cc, little-endian reads.
public enum FarmHash {
    static let k0: UInt64 = 0xc3a5_c85c_97cb_3127
    static let k1: UInt64 = 0xb492_b66f_be98_f273
    static let k2: UInt64 = 0x9ae1_6a3b_2f90_404f

    /// `Fingerprint64` of `bytes` as an unsigned value.
    public static func fingerprint64(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer { hash64($0) }
    }

    static func hash64(_ s: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let len = s.count
        if len <= 32 {
            return len <= 16 ? hashLen0to16(s, len) : hashLen17to32(s, len)
        } else if len <= 64 {
            return hashLen33to64(s, len)
        }
        let seed: UInt64 = 81
        var x = seed
        var y = seed &* k1 &+ 113
        var z = shiftMix(y &* k2 &+ 113) &* k2
        var v: (UInt64, UInt64) = (0, 0)
        var w: (UInt64, UInt64) = (0, 0)
        x = x &* k2 &+ fetch64(s, 0)

        let end = ((len - 1) / 64) * 64
        let last64 = end + ((len - 1) & 63) - 63
        var p = 0
        repeat {
            x = rotate(x &+ y &+ v.0 &+ fetch64(s, p + 8), 37) &* k1
            y = rotate(y &+ v.1 &+ fetch64(s, p + 48), 42) &* k1
            x ^= w.1
            y = y &+ v.0 &+ fetch64(s, p + 40)
            z = rotate(z &+ w.0, 33) &* k1
            v = weakHashLen32WithSeeds(s, p, v.1 &* k1, x &+ w.0)
            w = weakHashLen32WithSeeds(s, p + 32, z &+ w.1, y &+ fetch64(s, p + 16))
            swap(&z, &x)
            p += 64
        } while p != end
        let mul = k1 &+ ((z & 0xff) << 1)
        p = last64
        w.0 = w.0 &+ UInt64((len - 1) & 63)
        v.0 = v.0 &+ w.0
        w.0 = w.0 &+ v.0
        x = rotate(x &+ y &+ v.0 &+ fetch64(s, p + 8), 37) &* mul
        y = rotate(y &+ v.1 &+ fetch64(s, p + 48), 42) &* mul
        x ^= w.1 &* 9
        y = y &+ v.0 &* 9 &+ fetch64(s, p + 40)
        z = rotate(z &+ w.0, 33) &* mul
        v = weakHashLen32WithSeeds(s, p, v.1 &* mul, x &+ w.0)
        w = weakHashLen32WithSeeds(s, p + 32, z &+ w.1, y &+ fetch64(s, p + 16))
        swap(&z, &x)
        return hashLen16(hashLen16(v.0, w.0, mul) &+ shiftMix(y) &* k0 &+ z,
                         hashLen16(v.1, w.1, mul) &+ x, mul)
    }

    @inline(__always) static func fetch64(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt64 {
        var r: UInt64 = 0
        for k in 0..<8 { r |= UInt64(s[i + k]) << (8 * UInt64(k)) }
        return r
    }

    @inline(__always) static func fetch32(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt64 {
        var r: UInt64 = 0
        for k in 0..<4 { r |= UInt64(s[i + k]) << (8 * UInt64(k)) }
        return r
    }

    @inline(__always) static func rotate(_ val: UInt64, _ shift: UInt64) -> UInt64 {
        shift == 0 ? val : (val >> shift) | (val << (64 - shift))
    }

    @inline(__always) static func shiftMix(_ val: UInt64) -> UInt64 { val ^ (val >> 47) }

    @inline(__always) static func hashLen16(_ u: UInt64, _ v: UInt64, _ mul: UInt64) -> UInt64 {
        var a = (u ^ v) &* mul
        a ^= a >> 47
        var b = (v ^ a) &* mul
        b ^= b >> 47
        b = b &* mul
        return b
    }

    static func hashLen0to16(_ s: UnsafeBufferPointer<UInt8>, _ len: Int) -> UInt64 {
        if len >= 8 {
            let mul = k2 &+ UInt64(len) &* 2
            let a = fetch64(s, 0) &+ k2
            let b = fetch64(s, len - 8)
            let c = rotate(b, 37) &* mul &+ a
            let d = (rotate(a, 25) &+ b) &* mul
            return hashLen16(c, d, mul)
        }
        if len >= 4 {
            let mul = k2 &+ UInt64(len) &* 2
            let a = fetch32(s, 0)
            return hashLen16(UInt64(len) &+ (a << 3), fetch32(s, len - 4), mul)
        }
        if len > 0 {
            let a = UInt32(s[0])
            let b = UInt32(s[len >> 1])
            let c = UInt32(s[len - 1])
            let y = a &+ (b << 8)
            let z = UInt32(len) &+ (c << 2)
            return shiftMix(UInt64(y) &* k2 ^ UInt64(z) &* k0) &* k2
        }
        return k2
    }

    static func hashLen17to32(_ s: UnsafeBufferPointer<UInt8>, _ len: Int) -> UInt64 {
        let mul = k2 &+ UInt64(len) &* 2
        let a = fetch64(s, 0) &* k1
        let b = fetch64(s, 8)
        let c = fetch64(s, len - 8) &* mul
        let d = fetch64(s, len - 16) &* k2
        return hashLen16(rotate(a &+ b, 43) &+ rotate(c, 30) &+ d, a &+ rotate(b &+ k2, 18) &+ c, mul)
    }

    static func hashLen33to64(_ s: UnsafeBufferPointer<UInt8>, _ len: Int) -> UInt64 {
        let mul = k2 &+ UInt64(len) &* 2
        let a = fetch64(s, 0) &* k2
        let b = fetch64(s, 8)
        let c = fetch64(s, len - 8) &* mul
        let d = fetch64(s, len - 16) &* k2
        let y = rotate(a &+ b, 43) &+ rotate(c, 30) &+ d
        let z = hashLen16(y, a &+ rotate(b &+ k2, 18) &+ c, mul)
        let e = fetch64(s, 16) &* mul
        let f = fetch64(s, 24)
        let g = (y &+ fetch64(s, len - 32)) &* mul
        let h = (z &+ fetch64(s, len - 24)) &* mul
        return hashLen16(rotate(e &+ f, 43) &+ rotate(g, 30) &+ h, e &+ rotate(f &+ a, 18) &+ g, mul)
    }

    static func weakHashLen32WithSeeds(_ s: UnsafeBufferPointer<UInt8>, _ p: Int, _ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
        weakHashLen32WithSeeds(fetch64(s, p), fetch64(s, p + 8), fetch64(s, p + 16), fetch64(s, p + 24), a, b)
    }

    static func weakHashLen32WithSeeds(_ w: UInt64, _ x: UInt64, _ y: UInt64, _ z: UInt64, _ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
        var a = a &+ w
        var b = rotate(b &+ a &+ z, 21)
        let c = a
        a = a &+ x
        a = a &+ y
        b = b &+ rotate(a, 44)
        return (a &+ z, b &+ c)
    }
}

/// BigQuery's hash functions: `FARM_FINGERPRINT`, `MD5`, `SHA1`, `SHA256`, `SHA512`.
/// `STRING` inputs hash their UTF-8 bytes. Each returns `nil` for a `NULL` input.
public enum HashFunctions {
    /// `FARM_FINGERPRINT(value)`: `Fingerprint64` reinterpreted as a signed `INT64`.
    public static func farmFingerprint(_ value: String?) -> Int64? {
        guard let value else { return nil }
        return Int64(bitPattern: FarmHash.fingerprint64(Array(value.utf8)))
    }

    public static func farmFingerprint(_ value: [UInt8]?) -> Int64? {
        guard let value else { return nil }
        return Int64(bitPattern: FarmHash.fingerprint64(value))
    }

    /// `MD5(input)`: 16 bytes.
    public static func md5(_ value: String?) -> [UInt8]? { value.map { MD5.hash(Array($0.utf8)) } }
    public static func md5(_ value: [UInt8]?) -> [UInt8]? { value.map(MD5.hash) }

    /// `SHA1(input)`: 20 bytes.
    public static func sha1(_ value: String?) -> [UInt8]? { value.map { SHA1.hash(Array($0.utf8)) } }
    public static func sha1(_ value: [UInt8]?) -> [UInt8]? { value.map(SHA1.hash) }

    /// `SHA256(input)`: 32 bytes.
    public static func sha256(_ value: String?) -> [UInt8]? { value.map { SHA256.hash(Array($0.utf8)) } }
    public static func sha256(_ value: [UInt8]?) -> [UInt8]? { value.map(SHA256.hash) }

    /// `SHA512(input)`: 64 bytes.
    public static func sha512(_ value: String?) -> [UInt8]? { value.map { SHA512.hash(Array($0.utf8)) } }
    public static func sha512(_ value: [UInt8]?) -> [UInt8]? { value.map(SHA512.hash) }
}
