import Foundation
import Testing
@testable import Tensors

/// The files NumPy wrote with Fixtures/make_fixtures.py, read relative to this source file.
enum Fixture {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
  }
}

/// The bit patterns of a tensor's elements: equal only when every NaN, -0.0 and infinity is the same.
func bits(_ tensor: Tensor) -> [UInt64] {
  tensor.scalars.map(\.bitPattern)
}

@Suite("Reading and writing NumPy's .npy files")
struct NPYTests {
  // MARK: - Files NumPy wrote

  @Test func float64MatrixLoadsAndWritesBackTheSameBytes() throws {
    let file = try Fixture.bytes("float64_2d.npy")
    let tensor = try NPY.decode(file)
    #expect(tensor.shape == [2, 3])
    #expect(bits(tensor) == bits(try Tensor(rows: [[0.5, -1.25, 3], [1e-300, .pi, -0.0]])))
    #expect(NPY.encode(tensor) == file, "np.save writes these bytes for a float64 array")
  }

  @Test(arguments: ["special.npy", "scalar.npy", "empty.npy", "float64_2d.npy"])
  func encodingMatchesNumPyByteForByte(_ name: String) throws {
    let file = try Fixture.bytes(name)
    #expect(NPY.encode(try NPY.decode(file)) == file)
  }

  @Test func nanInfinitiesNegativeZeroAndSubnormalsKeepTheirBits() throws {
    let tensor = try NPY.decode(try Fixture.bytes("special.npy"))
    #expect(bits(tensor) == [Double.nan, .infinity, -.infinity, -0.0, 5e-324].map(\.bitPattern))
  }

  @Test func scalarsAndEmptyArraysKeepTheirShapes() throws {
    let scalar = try NPY.decode(try Fixture.bytes("scalar.npy"))
    #expect(scalar.shape == [] && scalar.scalars == [3.5])
    let empty = try NPY.decode(try Fixture.bytes("empty.npy"))
    #expect(empty.shape == [0, 3] && empty.scalars.isEmpty)
  }

  @Test func otherTypesConvertToFloat64() throws {
    func load(_ name: String) throws -> Tensor { try NPY.decode(try Fixture.bytes(name)) }
    #expect(try load("float32.npy").scalars == [1.5, -2.25, Double(Float(0.1))])
    #expect(try load("float16.npy").scalars == [1, -0.5, 65504, 0x1p-24, .infinity])
    #expect(try load("int8.npy").scalars == [-128, 0, 127])
    #expect(try load("uint16.npy").scalars == [0, 1, 65535])
    #expect(try load("int32.npy") == (try Tensor(rows: [[-2_147_483_648, 7], [0, 2_147_483_647]])))
    #expect(try load("int64.npy") == (try Tensor(rows: [[1, -2], [3, 9_007_199_254_740_992]])))
    #expect(try load("uint64.npy").scalars == [0, 18_446_744_073_709_551_615])
    #expect(try load("bool.npy").scalars == [1, 0, 1])
  }

  @Test func fortranOrderIsTransposedIntoRowMajor() throws {
    let tensor = try NPY.decode(try Fixture.bytes("fortran.npy"))
    #expect(tensor == (try Tensor(rows: [[0, 1, 2], [3, 4, 5]])))
  }

  @Test func bigEndianFilesAreByteSwapped() throws {
    #expect(try NPY.decode(try Fixture.bytes("bigendian.npy")).scalars == [0, 1, 2, 3])
    #expect(try NPY.decode(try Fixture.bytes("bigendian_int32.npy")).scalars == [1, -2, 3])
  }

  @Test(arguments: ["version2.npy", "version3.npy"])
  func laterFormatVersionsLoad(_ name: String) throws {
    #expect(try NPY.decode(try Fixture.bytes(name)) == (try Tensor(rows: [[1, 2], [3, 4]])))
  }

  @Test func unsupportedTypesAreNamed() throws {
    func error(_ name: String) throws -> String {
      Self.error(decoding: try Fixture.bytes(name))?.description ?? "loaded"
    }
    #expect(try error("complex.npy") == "its dtype '<c16' (complex numbers) cannot be loaded: Backstep reads floats, integers and booleans")
    #expect(try error("strings.npy") == "its dtype '<U2' (text strings) cannot be loaded: Backstep reads floats, integers and booleans")
    #expect(try error("object.npy") == "its dtype '|O' (Python objects) cannot be loaded: Backstep reads floats, integers and booleans")
    #expect(try error("structured.npy")
      == "its dtype [('a', '<f8'), ('b', '<i4')] (records with named fields) cannot be loaded: Backstep reads floats, integers and booleans")
  }

  // MARK: - Round trips

  @Test(arguments: [[], [0], [5], [3, 0, 2], [2, 3, 4]] as [[Int]])
  func saveThenLoadIsBitForBit(_ shape: [Int]) throws {
    var generator = RandomGenerator(seed: 7)
    var tensor = try generator.normal(shape)
    let specials: [Double] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
    for (i, x) in specials.enumerated() where i < tensor.count { tensor[flat: i] = x }
    let back = try NPY.decode(NPY.encode(tensor))
    #expect(back.shape == shape)
    #expect(bits(back) == bits(tensor))
  }

  @Test func aNaNPayloadSurvives() throws {
    let payload = Double(bitPattern: 0x7FF8_0000_DEAD_BEEF)
    #expect(bits(try NPY.decode(NPY.encode(Tensor([payload])))) == [0x7FF8_0000_DEAD_BEEF])
  }

  @Test func headersAreAlignedTo64Bytes() {
    for rank in 0..<40 {
      let header = NPYHeader.encode(NPYHeader.dictionaryText(descr: "<f8", fortranOrder: false, shape: Array(repeating: 1, count: rank)))
      #expect(header.count % 64 == 0 && header.last == 0x0A)
    }
  }

  // MARK: - Damaged files

  static func error(decoding bytes: [UInt8]) -> NumPyFileError? {
    do {
      _ = try NPY.decode(bytes)
      return nil
    } catch {
      return error
    }
  }

  @Test func truncatedFilesSayHowMuchIsMissing() throws {
    let file = try Fixture.bytes("float64_2d.npy")  // 128 bytes of header, 48 of data
    let data = Self.error(decoding: Array(file.dropLast(8)))
    #expect(data == .truncatedData(needed: 48, available: 40))
    #expect(data?.description == "the file is truncated: its data needs 48 bytes, only 40 are there")
    let header = Self.error(decoding: Array(file.prefix(50)))
    #expect(header == .truncatedHeader(needed: 128, available: 50))
    #expect(header?.description == "the file is truncated: its header needs 128 bytes, only 50 are there")
    #expect(Self.error(decoding: Array(file.prefix(7))) == .truncatedHeader(needed: 10, available: 7))
    #expect(Self.error(decoding: Array(file.prefix(3))) == .truncatedHeader(needed: 10, available: 3))
    #expect(Self.error(decoding: []) == .empty)
    #expect(NumPyFileError.empty.description == "the file is empty")
  }

  @Test func aWrongMagicStringIsNotANPYFile() throws {
    #expect(Self.error(decoding: Array("hello, world".utf8)) == .wrongMagic)
    #expect(Self.error(decoding: try Fixture.bytes("savez.npz")) == .wrongMagic)
    #expect(NumPyFileError.wrongMagic.description == "not a .npy file: it does not begin with NumPy's magic string \\x93NUMPY")
  }

  @Test func unknownVersionsAreRefused() throws {
    var file = try Fixture.bytes("float64_2d.npy")
    file[6] = 4
    #expect(Self.error(decoding: file) == .unsupportedVersion(major: 4, minor: 0))
    #expect(Self.error(decoding: file)?.description == "the .npy format version 4.0 is unknown (versions 1.0, 2.0 and 3.0 are read)")
    file[6] = 1
    file[7] = 1
    #expect(Self.error(decoding: file) == .unsupportedVersion(major: 1, minor: 1))
  }

  /// A version 1.0 file with the given header dictionary and `data`.
  static func file(header: String, data: [UInt8] = []) -> [UInt8] {
    NPYHeader.encode(header) + data
  }

  @Test func badHeadersSayWhatIsWrong() {
    func message(_ header: String) -> String {
      Self.error(decoding: Self.file(header: header))?.description ?? "loaded"
    }
    #expect(message("{'descr': '<f8', 'fortran_order': False}")
      == "the .npy header is not valid: its keys are 'descr', 'fortran_order'; NumPy writes 'descr', 'fortran_order' and 'shape'")
    #expect(message("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }")
      == "the .npy header is not valid: fortran_order is 0, not True or False")
    #expect(message("{'descr': '<f8', 'fortran_order': False, 'shape': [2], }")
      == "the .npy header is not valid: shape is [2], not a tuple of sizes")
    #expect(message("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }")
      == "the .npy header is not valid: shape (2, -1) has a size that is not a whole number of at least 0")
    #expect(message("{'descr': '<f8', 'fortran_order': False, 'shape': (2.5,), }")
      == "the .npy header is not valid: expected an integer, got a number with a fraction or exponent (at character 53)")
    #expect(message("{'descr': '<f8, 'fortran_order': False, 'shape': (), }")
      == "the .npy header is not valid: expected `,` or `}` (at character 18)")
    #expect(message("{'descr' '<f8'}") == "the .npy header is not valid: expected `:` after 'descr' (at character 10)")
    #expect(message("{'descr': '<f8}") == "the .npy header is not valid: a string is not closed (at character 11)")
    #expect(message("{'descr': 3, 'fortran_order': False, 'shape': (), }") == "the .npy header is not valid: descr is 3, not a dtype")
    #expect(message("[1, 2]") == "the .npy header is not valid: it is not a dictionary")
    #expect(message("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }")
      == "the .npy header is not valid: `99999999999999999999` is not an integer that fits in 64 bits (at character 52)")
    #expect(message(String(repeating: "[", count: 10_000)) == "the .npy header is not valid: nested too deeply (at character 17)")
    #expect(message("{'descr': '<f8', 'fortran_order': False, 'shape': (), } junk")
      == "the .npy header is not valid: unexpected text after the dictionary (at character 57)")
  }

  @Test func pythonTwoHeadersWithLongIntegersLoad() throws {
    let tensor = try NPY.decode(Self.file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1L,), }", data: NPY.encode(Tensor(2)).suffix(8)))
    #expect(tensor.scalars == [2])
  }

  @Test func aShapeOverTheSizeLimitIsRefusedBeforeAllocating() {
    // A few bytes that claim 10¹² elements: refused without reading or allocating them.
    let error = Self.error(decoding: Self.file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }"))
    guard case .tensor(.tooLarge(let shape, _, _))? = error else {
      Issue.record("expected tooLarge, got \(String(describing: error))")
      return
    }
    #expect(shape == [1_000_000, 1_000_000])
  }

  @Test func unsupportedTypeNamesFollowTheirKind() {
    func kind(_ descr: String) -> String? {
      if case .unsupportedType(_, let kind)? = Self.error(decoding: Self.file(header: "{'descr': '\(descr)', 'fortran_order': False, 'shape': (), }")) {
        return kind
      }
      return nil
    }
    #expect(kind("<f16") == "128-bit floats")
    #expect(kind("<i16") == "128-bit integers")
    #expect(kind("|S3") == "byte strings")
    #expect(kind("<M8[ns]") == "dates")
    #expect(kind("<m8[s]") == "time spans")
    #expect(kind("|V8") == "raw records")
    #expect(kind("float64") == "a type NumPy does not write")
    #expect(kind("<f2000000000000000000") == "2000000000000000000-byte floats")
  }
}
