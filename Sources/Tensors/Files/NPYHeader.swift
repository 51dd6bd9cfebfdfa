/// The header of a `.npy` file: the element type, the layout and the shape.
///
/// On disk it is a Python dictionary after a 6-byte magic string, a version and a length:
/// ```
/// \x93NUMPY  01 00  76 00  {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }␣␣…␣\n
/// magic      version len   header (latin-1 in 1.0 and 2.0, UTF-8 in 3.0), padded to 64 bytes
/// ```
/// Version 1.0 stores the length in 2 bytes, 2.0 and 3.0 in 4.
struct NPYHeader: Equatable {
  var dataType: NPYDataType
  var fortranOrder: Bool
  var shape: [Int]
  /// Where the elements start: the length of magic, version, length field and header.
  var dataOffset: Int

  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
  /// NumPy pads the header so that the data starts at a multiple of this.
  static let alignment = 64
  /// NumPy leaves room for the first axis (the last in Fortran order) to grow to this many digits.
  static let growthAxisDigits = 21
  /// Far longer than any header NumPy writes (it refuses to read past 10,000 characters).
  static let maximumLength = 1 << 20

  /// Reads the header from the start of a file.
  static func read(_ bytes: UnsafeRawBufferPointer) throws(NumPyFileError) -> NPYHeader {
    guard bytes.count > 0 else { throw .empty }
    let prefix = Swift.min(bytes.count, magic.count)
    guard bytes.prefix(prefix).elementsEqual(magic.prefix(prefix)) else { throw .wrongMagic }
    var reader = ByteReader(bytes, at: magic.count)
    guard let major = reader.read(UInt8.self), let minor = reader.read(UInt8.self) else {
      throw .truncatedHeader(needed: 10, available: bytes.count)
    }
    let length: Int
    switch (major, minor) {
    case (1, 0):
      guard let n = reader.read(UInt16.self) else { throw .truncatedHeader(needed: 10, available: bytes.count) }
      length = Int(n)
    case (2, 0), (3, 0):
      guard let n = reader.read(UInt32.self) else { throw .truncatedHeader(needed: 12, available: bytes.count) }
      length = Int(n)
    default:
      throw .unsupportedVersion(major: Int(major), minor: Int(minor))
    }
    guard length <= maximumLength else {
      throw .badHeader("it claims to be \(length) bytes long; NumPy's headers are a few hundred")
    }
    let start = reader.offset
    guard let raw = reader.take(length) else {
      throw .truncatedHeader(needed: start + length, available: bytes.count)
    }
    let text: String
    if major == 3 {
      guard let decoded = String(validating: raw, as: UTF8.self) else { throw .badHeader("it is not valid UTF-8") }
      text = decoded
    } else {
      // Latin-1: every byte is the Unicode scalar of the same number.
      text = String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
    }
    return try parse(text, dataOffset: reader.offset)
  }

  /// The dictionary's entries, checked as NumPy checks them.
  static func parse(_ text: String, dataOffset: Int) throws(NumPyFileError) -> NPYHeader {
    guard case .dictionary(let members) = try PythonLiteral.parse(text) else {
      throw .badHeader("it is not a dictionary")
    }
    let keys = members.map(\.key)
    guard keys.sorted() == ["descr", "fortran_order", "shape"] else {
      throw .badHeader("its keys are \(keys.map { "'\($0)'" }.joined(separator: ", ")); NumPy writes 'descr', 'fortran_order' and 'shape'")
    }
    func value(_ key: String) -> PythonLiteral { members.first { $0.key == key }?.value ?? .none }

    guard case .bool(let fortranOrder) = value("fortran_order") else {
      throw .badHeader("fortran_order is \(value("fortran_order").pythonText), not True or False")
    }
    let shapeValue = value("shape")
    guard case .tuple(let sizes) = shapeValue else {
      throw .badHeader("shape is \(shapeValue.pythonText), not a tuple of sizes")
    }
    var shape: [Int] = []
    for size in sizes {
      guard case .integer(let n) = size, n >= 0 else {
        throw .badHeader("shape \(shapeValue.pythonText) has a size that is not a whole number of at least 0")
      }
      shape.append(n)
    }
    let dataType = try NPYDataType(descr: value("descr"))
    return NPYHeader(dataType: dataType, fortranOrder: fortranOrder, shape: shape, dataOffset: dataOffset)
  }

  // MARK: - Writing

  /// The dictionary as NumPy's `_write_array_header` writes it: keys sorted, a trailing
  /// `, ` before the brace, then room for the growth axis.
  static func dictionaryText(descr: String, fortranOrder: Bool, shape: [Int]) -> String {
    let shapeText = PythonLiteral.tuple(shape.map(PythonLiteral.integer)).pythonText
    var text = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
    if let growing = fortranOrder ? shape.last : shape.first {
      text += String(repeating: " ", count: Swift.max(0, growthAxisDigits - String(growing).count))
    }
    return text
  }

  /// Magic, version, length and the padded header: version 1.0 when the length fits in
  /// 2 bytes, else 2.0 (NumPy's choice; 3.0 is only needed for non-Latin-1 field names).
  static func encode(_ dictionary: String) -> [UInt8] {
    let header = Array(dictionary.utf8)  // ASCII: the same bytes in Latin-1
    for (major, lengthSize) in [(UInt8(1), 2), (UInt8(2), 4)] {
      let unpadded = magic.count + 2 + lengthSize + header.count + 1
      let padding = alignment - unpadded % alignment
      let length = header.count + 1 + padding
      guard lengthSize == 4 || length <= Int(UInt16.max) else { continue }
      var bytes = magic + [major, 0]
      if lengthSize == 2 {
        bytes.appendLittleEndian(UInt16(truncatingIfNeeded: length))
      } else {
        // A header over 4 GiB would need a shape with hundreds of millions of axes.
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: length))
      }
      bytes += header
      bytes += [UInt8](repeating: 0x20, count: padding)
      bytes.append(0x0A)
      return bytes
    }
    return []  // not reached: the loop's last version takes any length
  }
}
