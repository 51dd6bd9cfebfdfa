import Foundation

/// NumPy's `.npz` format: a zip archive holding one `.npy` file per named array,
/// as `np.savez(path, x=x, y=y)` writes it and `np.load(path)` reads it.
///
/// Reading follows the central directory at the end of the archive (zip64 records
/// included, as NumPy always writes them) and checks each entry's CRC-32.
/// Entries may be stored, as `np.savez` stores them, or deflated, as
/// `np.savez_compressed` does (inflated through zlib). Writing stores the entries
/// uncompressed, stamped 1980-01-01 00:00 as NumPy stamps them.
public enum NPZ {
  /// One array of an archive: its name (the entry's name without `.npy`) and its value.
  public struct Entry: Sendable, Equatable {
    public let name: String
    public let tensor: Tensor

    public init(name: String, tensor: Tensor) {
      self.name = name
      self.tensor = tensor
    }
  }

  /// The arrays of an archive, in the order of its directory.
  public static func decode(_ data: some ContiguousBytes) throws(NumPyFileError) -> [Entry] {
    try data.withBytes { (raw) throws(NumPyFileError) in try decode(raw) }
  }

  static func decode(_ raw: UnsafeRawBufferPointer) throws(NumPyFileError) -> [Entry] {
    guard raw.count > 0 else { throw .empty }
    let reader = ByteReader(raw)
    let signature = reader.peek(UInt32.self, at: 0)
    guard signature == Signature.localHeader || signature == Signature.endOfDirectory else { throw .notArchive }
    let directory = try ZipDirectory(raw)
    var entries: [Entry] = []
    for record in directory.records where !record.name.hasSuffix("/") {
      let name = record.name.hasSuffix(".npy") ? String(record.name.dropLast(4)) : record.name
      let tensor = try record.withContents(in: raw) { (bytes) throws(NumPyFileError) -> Tensor in
        guard CRC32.checksum(bytes) == record.crc else { throw .checksumMismatch(name: record.name) }
        do throws(NumPyFileError) {
          return try NPY.decode(bytes)
        } catch {
          throw .entry(name: record.name, error)
        }
      }
      entries.append(Entry(name: name, tensor: tensor))
    }
    return entries
  }

  /// The bytes of an archive with one `NAME.npy` entry per tensor, stored uncompressed.
  public static func encode(_ entries: [Entry]) throws(NumPyFileError) -> [UInt8] {
    guard entries.count < Int(UInt16.max) else { throw .archiveTooLarge }
    var archive: [UInt8] = []
    var directory: [UInt8] = []
    for entry in entries {
      let name = Array((entry.name + ".npy").utf8)
      let data = NPY.encode(entry.tensor)
      let offset = archive.count
      guard name.count < Int(UInt16.max), offset + 30 + name.count + data.count < Int(UInt32.max) else {
        throw .archiveTooLarge
      }
      let crc = CRC32.checksum(data)
      // Bit 11: the name is UTF-8 (Backstep's names may hold any letter).
      let flags: UInt16 = name.allSatisfy { $0 < 0x80 } ? 0 : 0x0800
      func common(_ bytes: inout [UInt8]) {
        bytes.appendLittleEndian(UInt16(20))  // version needed to extract: 2.0
        bytes.appendLittleEndian(flags)
        bytes.appendLittleEndian(UInt16(0))  // method: stored
        bytes.appendLittleEndian(UInt16(0))  // time 00:00:00
        bytes.appendLittleEndian(UInt16(0x21))  // date 1980-01-01
        bytes.appendLittleEndian(crc)
        bytes.appendLittleEndian(UInt32(data.count))  // compressed size
        bytes.appendLittleEndian(UInt32(data.count))  // uncompressed size
        bytes.appendLittleEndian(UInt16(name.count))
        bytes.appendLittleEndian(UInt16(0))  // extra field length
      }
      archive.appendLittleEndian(Signature.localHeader)
      common(&archive)
      archive += name
      archive += data

      directory.appendLittleEndian(Signature.directoryRecord)
      directory.appendLittleEndian(UInt16(3 << 8 | 20))  // made by: Unix, zip 2.0
      common(&directory)
      directory.appendLittleEndian(UInt16(0))  // comment length
      directory.appendLittleEndian(UInt16(0))  // disk number
      directory.appendLittleEndian(UInt16(0))  // internal attributes
      directory.appendLittleEndian(UInt32(0o644) << 16)  // external attributes: rw-r--r--
      directory.appendLittleEndian(UInt32(offset))
      directory += name
    }
    guard archive.count + directory.count + 22 < Int(UInt32.max) else { throw .archiveTooLarge }
    let directoryOffset = archive.count
    archive += directory
    archive.appendLittleEndian(Signature.endOfDirectory)
    archive.appendLittleEndian(UInt16(0))  // this disk
    archive.appendLittleEndian(UInt16(0))  // disk with the directory
    archive.appendLittleEndian(UInt16(entries.count))
    archive.appendLittleEndian(UInt16(entries.count))
    archive.appendLittleEndian(UInt32(directory.count))
    archive.appendLittleEndian(UInt32(directoryOffset))
    archive.appendLittleEndian(UInt16(0))  // comment length
    return archive
  }

  /// Whether `prefix` (the first bytes of a file) starts like a zip archive.
  public static func hasMagic(_ prefix: some Collection<UInt8>) -> Bool {
    prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) || prefix.starts(with: [0x50, 0x4B, 0x05, 0x06])
  }
}

/// The four-byte markers that open each structure of a zip archive ("PK" and two numbers).
enum Signature {
  static let localHeader: UInt32 = 0x0403_4B50
  static let directoryRecord: UInt32 = 0x0201_4B50
  static let endOfDirectory: UInt32 = 0x0605_4B50
  static let zip64EndOfDirectory: UInt32 = 0x0606_4B50
  static let zip64Locator: UInt32 = 0x0706_4B50
}
