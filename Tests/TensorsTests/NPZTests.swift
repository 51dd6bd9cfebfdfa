import Foundation
import Testing
@testable import Tensors

@Suite("Reading and writing NumPy's .npz archives")
struct NPZTests {
  static func error(decoding bytes: [UInt8]) -> NumPyFileError? {
    do {
      _ = try NPZ.decode(bytes)
      return nil
    } catch {
      return error
    }
  }

  @Test func theChecksumIsZipsCRC32() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum([]) == 0)
  }

  @Test func anArchiveWrittenByNpSavezLoadsInOrder() throws {
    // np.savez writes zip64 extra fields in its local headers; the directory has the real sizes.
    let entries = try NPZ.decode(try Fixture.bytes("savez.npz"))
    #expect(entries.map(\.name) == ["x", "labels"])
    #expect(entries[0].tensor == (try Tensor(rows: [[1, 2, 3]])))
    #expect(entries[1].tensor == Tensor([0, 2, 1]))
  }

  @Test func archivesWrittenByNpSavezCompressedLoad() throws {
    // Deflated entries, inflated through zlib; the values are NumPy's (make_fixtures.py).
    let small = try NPZ.decode(try Fixture.bytes("savez_compressed.npz"))
    #expect(small == [NPZ.Entry(name: "x", tensor: Tensor([0, 1, 2]))])
    let mixed = try NPZ.decode(try Fixture.bytes("savez_compressed_mixed.npz"))
    #expect(mixed.map(\.name) == ["W", "labels", "flag"])
    #expect(mixed[0].tensor.shape == [40, 30])
    #expect(mixed[0].tensor.scalars == (0..<1200).map { Double($0) / 7 })
    #expect(mixed[1].tensor == Tensor([3, 1, 4, 1, 5]))
    #expect(mixed[2].tensor == Tensor(1))
  }

  /// The archive with its first directory record's field at `offset` (from the record's start) replaced.
  static func patchingDirectory(_ file: [UInt8], at offset: Int, with bytes: [UInt8]) -> [UInt8] {
    var patched = file
    let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
    guard let record = (0..<(file.count - 4)).first(where: { Array(file[$0..<($0 + 4)]) == signature }) else { return file }
    patched.replaceSubrange((record + offset)..<(record + offset + bytes.count), with: bytes)
    return patched
  }

  @Test func otherCompressionMethodsAndDamagedDataGiveClearErrors() throws {
    let file = try Fixture.bytes("savez_compressed.npz")
    // Method 12 (bzip2) in the directory record.
    let bzip2 = Self.error(decoding: Self.patchingDirectory(file, at: 10, with: [12, 0]))
    #expect(bzip2 == .compressedEntry(name: "x.npy", method: 12))
    #expect(bzip2?.description == "`x.npy` is stored with compression method 12; "
      + "Backstep reads entries stored as np.savez and np.savez_compressed write them (stored or deflated)")
    // A declared size more than DEFLATE can expand to is refused before anything is allocated.
    let huge = Self.error(decoding: Self.patchingDirectory(file, at: 24, with: [0xFF, 0xFF, 0xFF, 0x7F]))
    #expect(huge == .badArchive("`x.npy` declares 2147483647 bytes, more than its compressed data can hold"))
    // A declared size that is not what the data inflates to.
    let short = Self.error(decoding: Self.patchingDirectory(file, at: 24, with: [10, 0, 0, 0]))
    #expect(short == .badArchive("the compressed data of `x.npy` is damaged"))
  }

  @Test func writeThenReadKeepsNamesShapesAndBits() throws {
    var generator = RandomGenerator(seed: 3)
    let entries = [
      NPZ.Entry(name: "W", tensor: try generator.normal([3, 2])),
      NPZ.Entry(name: "loss", tensor: Tensor(.nan)),
      NPZ.Entry(name: "empty", tensor: try Tensor.zeros([0, 4])),
      NPZ.Entry(name: "größe", tensor: Tensor([-0.0, .infinity])),
    ]
    let back = try NPZ.decode(try NPZ.encode(entries))
    #expect(back.map(\.name) == entries.map(\.name))
    #expect(back.map(\.tensor.shape) == entries.map(\.tensor.shape))
    #expect(back.map { bits($0.tensor) } == entries.map { bits($0.tensor) })
  }

  @Test func entriesAreStoredAsNpSaveFiles() throws {
    // Each entry is NAME.npy holding exactly what NPY.encode writes, at a known place.
    let tensor = Tensor([1, 2])
    let archive = try NPZ.encode([NPZ.Entry(name: "v", tensor: tensor)])
    let npy = NPY.encode(tensor)
    #expect(Array(archive[30..<35]) == Array("v.npy".utf8))
    #expect(Array(archive[35..<(35 + npy.count)]) == npy)
    #expect(NPZ.hasMagic(archive) && !NPY.hasMagic(archive))
  }

  @Test func anEmptyArchiveIsValid() throws {
    let archive = try NPZ.encode([])
    #expect(archive.count == 22)
    #expect(try NPZ.decode(archive).isEmpty)
  }

  @Test func damagedArchivesSayWhatIsWrong() throws {
    let archive = try NPZ.encode([NPZ.Entry(name: "x", tensor: Tensor([1, 2, 3]))])
    var flipped = archive
    flipped[35 + 128] ^= 0xFF  // the first element's first byte
    #expect(Self.error(decoding: flipped) == .checksumMismatch(name: "x.npy"))
    #expect(NumPyFileError.checksumMismatch(name: "x.npy").description
      == "`x.npy` is damaged: its bytes do not match the archive's CRC-32 checksum")

    let truncated = Self.error(decoding: Array(archive.prefix(100)))
    #expect(truncated == .badArchive("its directory (at the end of the file) is missing: the file may be truncated"))
    #expect(truncated?.description
      == "the .npz archive is damaged: its directory (at the end of the file) is missing: the file may be truncated")

    #expect(Self.error(decoding: Array("not a zip".utf8)) == .notArchive)
    #expect(NumPyFileError.notArchive.description == "not an .npz file: it is not a zip archive")
    #expect(Self.error(decoding: []) == .empty)
  }

  @Test func aLyingDirectoryIsRefused() throws {
    var archive = try NPZ.encode([NPZ.Entry(name: "x", tensor: Tensor([1]))])
    let end = archive.count - 22
    archive[end + 10] = 0xFF  // claims 255 entries in a directory of one record's size
    #expect(Self.error(decoding: archive) == .badArchive("its directory lies outside the file"))
    var offset = try NPZ.encode([NPZ.Entry(name: "x", tensor: Tensor([1]))])
    offset[offset.count - 22 + 16] = 0xF0  // a directory offset past the end
    #expect(Self.error(decoding: offset) == .badArchive("its directory lies outside the file"))
  }

  @Test func aDamagedEntryIsNamed() throws {
    var archive = try NPZ.encode([NPZ.Entry(name: "x", tensor: Tensor([1]))])
    archive[35] = 0x00  // the entry's magic string; fix the CRC so only the entry is wrong
    let crc = CRC32.checksum(Array(archive[35..<(35 + 136)]))
    for (i, byte) in withUnsafeBytes(of: crc.littleEndian, Array.init).enumerated() { archive[14 + i] = byte }
    let directory = archive.count - 22 - 51
    for (i, byte) in withUnsafeBytes(of: crc.littleEndian, Array.init).enumerated() { archive[directory + 16 + i] = byte }
    let error = Self.error(decoding: archive)
    #expect(error == .entry(name: "x.npy", .wrongMagic))
    #expect(error?.description == "`x.npy` in the archive: not a .npy file: it does not begin with NumPy's magic string \\x93NUMPY")
  }
}

@Suite("Damaged NumPy files never crash the readers")
struct NumPyFileRobustnessTests {
  static let fixtures = (try? FileManager.default.contentsOfDirectory(atPath: Fixture.folder.path))?
    .filter { $0.hasSuffix(".npy") || $0.hasSuffix(".npz") }.sorted() ?? []

  /// Decodes as the shell does: by the first bytes. Either a value or an error, nothing else.
  static func decode(_ bytes: [UInt8]) {
    _ = try? NPY.decode(bytes)
    _ = try? NPZ.decode(bytes)
  }

  @Test(arguments: fixtures)
  func everyTruncationIsAnError(_ name: String) throws {
    let file = try Fixture.bytes(name)
    for length in 0..<file.count {
      Self.decode(Array(file.prefix(length)))
    }
  }

  @Test(arguments: fixtures)
  func randomlyMutatedBytesAreHandled(_ name: String) throws {
    let file = try Fixture.bytes(name)
    var generator = RandomGenerator(seed: UInt64(name.utf8.count))
    for _ in 0..<300 {
      var mutated = file
      let flips = Int.random(in: 1...4, using: &generator)
      for _ in 0..<flips {
        let position = Int.random(in: 0..<mutated.count, using: &generator)
        mutated[position] = [0x00, 0xFF, 0x7F, 0x80, UInt8.random(in: 0...255, using: &generator)].randomElement(using: &generator) ?? 0
      }
      Self.decode(mutated)
    }
  }
}
