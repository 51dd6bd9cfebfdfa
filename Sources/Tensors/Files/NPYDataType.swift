/// An element type of a `.npy` file that converts to float64, from its `descr`:
/// a byte order (`<` little, `>` big, `|` not applicable, `=` native), a kind and a size in bytes.
///
/// | descr                  | NumPy type                  |
/// |------------------------|-----------------------------|
/// | `<f8` `<f4` `<f2`      | float64, float32, float16   |
/// | `|i1` `<i2` `<i4` `<i8`| int8 … int64                |
/// | `|u1` `<u2` `<u4` `<u8`| uint8 … uint64              |
/// | `|b1`                  | bool                        |
///
/// Integers above 2⁵³ round to the nearest float64, as `astype(np.float64)` does.
struct NPYDataType: Equatable {
  enum Kind: Equatable {
    case float, signed, unsigned, bool
  }

  let kind: Kind
  /// Bytes per element.
  let size: Int
  let bigEndian: Bool

  /// The type of a header's `descr`, or the reason it cannot be loaded.
  init(descr: PythonLiteral) throws(NumPyFileError) {
    guard case .string(let text) = descr else {
      if case .list = descr { throw .unsupportedType(descr: descr.pythonText, kind: "records with named fields") }
      throw .badHeader("descr is \(descr.pythonText), not a dtype")
    }
    var characters = Substring(text)
    var bigEndian = false
    if let order = characters.first, "<>|=".contains(order) {
      bigEndian = order == ">"
      characters = characters.dropFirst()
    }
    let kindCharacter = characters.first ?? " "
    let size = Int(characters.dropFirst()) ?? 0
    let quoted = "'\(text)'"
    switch (kindCharacter, size) {
    case ("f", 2), ("f", 4), ("f", 8): kind = .float
    case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
    case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
    case ("b", 1): kind = .bool
    case ("f", 1...): throw .unsupportedType(descr: quoted, kind: "\(Self.bits(size)) floats")
    case ("i", 1...), ("u", 1...): throw .unsupportedType(descr: quoted, kind: "\(Self.bits(size)) integers")
    case ("c", _): throw .unsupportedType(descr: quoted, kind: "complex numbers")
    case ("U", _): throw .unsupportedType(descr: quoted, kind: "text strings")
    case ("S", _), ("a", _): throw .unsupportedType(descr: quoted, kind: "byte strings")
    case ("O", _): throw .unsupportedType(descr: quoted, kind: "Python objects")
    case ("V", _): throw .unsupportedType(descr: quoted, kind: "raw records")
    case ("M", _): throw .unsupportedType(descr: quoted, kind: "dates")
    case ("m", _): throw .unsupportedType(descr: quoted, kind: "time spans")
    default: throw .unsupportedType(descr: quoted, kind: "a type NumPy does not write")
    }
    self.size = size
    self.bigEndian = bigEndian && size > 1
  }

  /// `128-bit` for 16 bytes; a size no type has is given in bytes (and cannot overflow).
  private static func bits(_ bytes: Int) -> String {
    bytes <= 64 ? "\(bytes * 8)-bit" : "\(bytes)-byte"
  }

  /// `count` elements from `raw` (which holds at least `count * size` bytes), as float64.
  func decode(_ raw: UnsafeRawBufferPointer, count: Int) -> [Double] {
    let swap = bigEndian == (1.littleEndian == 1)  // the file's byte order differs from this machine's
    guard count > 0, raw.count >= count * size else { return [] }
    if kind == .float, size == 8, !swap, let source = raw.baseAddress {
      return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let base = buffer.baseAddress {
          UnsafeMutableRawPointer(base).copyMemory(from: source, byteCount: count * 8)
          initialized = count
        }
      }
    }
    let size = size
    func element<T: FixedWidthInteger>(_: T.Type) -> (Int) -> T {
      { i in
        let value = raw.loadUnaligned(fromByteOffset: i * size, as: T.self)
        return swap ? value.byteSwapped : value
      }
    }
    let convert: (Int) -> Double
    switch (kind, size) {
    case (.float, 8): convert = { [load = element(UInt64.self)] in Double(bitPattern: load($0)) }
    case (.float, 4): convert = { [load = element(UInt32.self)] in Double(Float(bitPattern: load($0))) }
    case (.float, _): convert = { [load = element(UInt16.self)] in Self.half(load($0)) }
    case (.signed, 1): convert = { [load = element(Int8.self)] in Double(load($0)) }
    case (.signed, 2): convert = { [load = element(Int16.self)] in Double(load($0)) }
    case (.signed, 4): convert = { [load = element(Int32.self)] in Double(load($0)) }
    case (.signed, _): convert = { [load = element(Int64.self)] in Double(load($0)) }
    case (.unsigned, 1): convert = { [load = element(UInt8.self)] in Double(load($0)) }
    case (.unsigned, 2): convert = { [load = element(UInt16.self)] in Double(load($0)) }
    case (.unsigned, 4): convert = { [load = element(UInt32.self)] in Double(load($0)) }
    case (.unsigned, _): convert = { [load = element(UInt64.self)] in Double(load($0)) }
    case (.bool, _): convert = { [load = element(UInt8.self)] in load($0) == 0 ? 0 : 1 }
    }
    return (0..<count).map(convert)
  }

  /// An IEEE 754 half-precision number from its bits (written out: `Float16` is not on every platform).
  static func half(_ bits: UInt16) -> Double {
    let sign: Double = bits & 0x8000 == 0 ? 1 : -1
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = Double(bits & 0x03FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24  // zero and subnormals: fraction · 2⁻¹⁴ / 2¹⁰
    case 0x1F: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
    }
  }
}
