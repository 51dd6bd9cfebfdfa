/// The central directory of a zip archive: where each entry is and how it is stored.
///
/// ```
/// [local header][data] … [local header][data] [directory record] … [zip64 end, locator] [end of directory]
/// ```
/// The end-of-directory record sits in the last 65,557 bytes (22 plus a comment);
/// values too large for it (0xFFFF, 0xFFFFFFFF) are in the zip64 records before it,
/// and sizes or offsets too large for a directory record are in its zip64 extra field.
struct ZipDirectory {
  struct Record {
    let name: String
    let method: Int
    let flags: UInt16
    let crc: UInt32
    let compressedSize: Int
    let uncompressedSize: Int
    let localHeaderOffset: Int

    /// Calls `body` with the entry's bytes, found through its local header: in place when
    /// stored, inflated when compressed (`np.savez_compressed`).
    func withContents<T>(
      in raw: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(NumPyFileError) -> T
    ) throws(NumPyFileError) -> T {
      guard flags & 1 == 0 else { throw .badArchive("`\(name)` is encrypted") }
      guard method == 0 || method == 8 else { throw .compressedEntry(name: name, method: method) }
      guard method == 8 || compressedSize == uncompressedSize else {
        throw .badArchive("`\(name)` is stored uncompressed but its two sizes differ")
      }
      let reader = ByteReader(raw)
      guard reader.peek(UInt32.self, at: localHeaderOffset) == Signature.localHeader,
        let nameLength = reader.peek(UInt16.self, at: localHeaderOffset + 26),
        let extraLength = reader.peek(UInt16.self, at: localHeaderOffset + 28)
      else {
        throw .badArchive("the local header of `\(name)` is missing")
      }
      let start = localHeaderOffset + 30 + Int(nameLength) + Int(extraLength)
      guard let bytes = reader.slice(from: start, count: compressedSize) else {
        throw .entry(name: name, .truncatedData(needed: compressedSize, available: Swift.max(0, raw.count - start)))
      }
      guard method == 8 else { return try body(bytes) }
      // The declared size is checked before anything is allocated: DEFLATE expands at most
      // 1032-fold, and an entry holds one tensor (within the size limit) and its header.
      guard uncompressedSize / 1032 <= compressedSize else {
        throw .badArchive("`\(name)` declares \(uncompressedSize) bytes, more than its compressed data can hold")
      }
      guard Double(uncompressedSize) <= Double(Shape.byteLimit) + Double(1 << 20) else {
        throw .entry(name: name, .tensor(.tooLarge(shape: [], bytes: Double(uncompressedSize), limit: Shape.byteLimit)))
      }
      let inflated = try Inflate.bytes(of: bytes, size: uncompressedSize, name: name)
      return try inflated.withBytes(body)
    }
  }

  let records: [Record]

  init(_ raw: UnsafeRawBufferPointer) throws(NumPyFileError) {
    var reader = ByteReader(raw)
    guard let end = Self.endOfDirectory(in: reader) else {
      throw .badArchive("its directory (at the end of the file) is missing: the file may be truncated")
    }
    reader.offset = end + 10
    guard let shortCount = reader.read(UInt16.self), let shortSize = reader.read(UInt32.self),
      let shortOffset = reader.read(UInt32.self)
    else { throw .badArchive("its directory is cut short") }
    var count = Int(shortCount), offset = Int(shortOffset)
    var size = Int(shortSize)
    if shortCount == 0xFFFF || shortSize == 0xFFFF_FFFF || shortOffset == 0xFFFF_FFFF {
      // Zip64: the locator just before the end record points at the zip64 end record.
      let within = { (value: UInt64) in value <= UInt64(raw.count) ? Int(value) : nil }
      guard reader.peek(UInt32.self, at: end - 20) == Signature.zip64Locator,
        let zip64End = reader.peek(UInt64.self, at: end - 12).flatMap(within),
        reader.peek(UInt32.self, at: zip64End) == Signature.zip64EndOfDirectory,
        let longCount = reader.peek(UInt64.self, at: zip64End + 32).flatMap(within),
        let longSize = reader.peek(UInt64.self, at: zip64End + 40).flatMap(within),
        let longOffset = reader.peek(UInt64.self, at: zip64End + 48).flatMap(within)
      else { throw .badArchive("its zip64 directory records are missing") }
      (count, size, offset) = (longCount, longSize, longOffset)
    }
    // A record takes at least 46 bytes: a lying count cannot make us loop or allocate far.
    guard reader.slice(from: offset, count: size) != nil, count <= size / 46 else {
      throw .badArchive("its directory lies outside the file")
    }
    reader.offset = offset
    var records: [Record] = []
    for _ in 0..<count {
      records.append(try Self.record(&reader))
    }
    self.records = records
  }

  /// The position of the end-of-directory record, searched backwards over a possible comment.
  static func endOfDirectory(in reader: ByteReader) -> Int? {
    let last = reader.bytes.count - 22
    guard last >= 0 else { return nil }
    for position in stride(from: last, through: Swift.max(0, last - 0xFFFF), by: -1)
    where reader.peek(UInt32.self, at: position) == Signature.endOfDirectory {
      return position
    }
    return nil
  }

  /// One directory record, with the zip64 extra field applied.
  static func record(_ reader: inout ByteReader) throws(NumPyFileError) -> Record {
    let cut = NumPyFileError.badArchive("a directory record is cut short")
    guard reader.read(UInt32.self) == Signature.directoryRecord else {
      throw .badArchive("a directory record has the wrong signature")
    }
    guard reader.skip(4), let flags = reader.read(UInt16.self), let method = reader.read(UInt16.self), reader.skip(4),
      let crc = reader.read(UInt32.self), let compressed = reader.read(UInt32.self),
      let uncompressed = reader.read(UInt32.self), let nameLength = reader.read(UInt16.self),
      let extraLength = reader.read(UInt16.self), let commentLength = reader.read(UInt16.self), reader.skip(8),
      let offset = reader.read(UInt32.self), let nameBytes = reader.take(Int(nameLength)),
      let extra = reader.take(Int(extraLength)), reader.skip(Int(commentLength))
    else { throw cut }
    let name = String(decoding: nameBytes, as: UTF8.self)

    var sizes = (compressed: Int(compressed), uncompressed: Int(uncompressed), offset: Int(offset))
    // The zip64 extra field (id 1) holds, in this order, only the values that overflowed.
    var fields = ByteReader(extra)
    while let id = fields.read(UInt16.self), let length = fields.read(UInt16.self), let body = fields.take(Int(length)) {
      guard id == 1 else { continue }
      var values = ByteReader(body)
      // Sizes and offsets past the end of the file are lies; refusing them keeps the sums below in range.
      let limit = UInt64(reader.bytes.count)
      func wide(_ short: UInt32, _ value: inout Int) throws(NumPyFileError) {
        guard short == 0xFFFF_FFFF else { return }
        guard let long = values.read(UInt64.self), long <= limit else {
          throw .badArchive("the zip64 sizes of `\(name)` are missing or past the end of the file")
        }
        value = Int(long)
      }
      try wide(uncompressed, &sizes.uncompressed)
      try wide(compressed, &sizes.compressed)
      try wide(offset, &sizes.offset)
    }
    return Record(
      name: name, method: Int(method), flags: flags, crc: crc, compressedSize: sizes.compressed,
      uncompressedSize: sizes.uncompressed, localHeaderOffset: sizes.offset)
  }
}
