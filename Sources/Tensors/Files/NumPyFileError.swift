/// Why a `.npy` or `.npz` file could not be read or written, in words a learner can act on.
///
/// The descriptions read after the file's name: "`x.npy`: the file is truncated: …".
public indirect enum NumPyFileError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A file of zero bytes.
  case empty
  /// The first six bytes are not `\x93NUMPY`.
  case wrongMagic
  /// A format version NumPy never wrote (1.0, 2.0 and 3.0 exist).
  case unsupportedVersion(major: Int, minor: Int)
  /// The file ends inside its header.
  case truncatedHeader(needed: Int, available: Int)
  /// The file ends before all the elements its header promises.
  case truncatedData(needed: Int, available: Int)
  /// The header is not the dictionary NumPy writes.
  case badHeader(String)
  /// A dtype Backstep cannot turn into float64 (complex, strings, objects, records…).
  case unsupportedType(descr: String, kind: String)
  /// The tensor is over the size limit (checked before allocating).
  case tensor(TensorError)

  // MARK: .npz archives

  /// Not a zip archive at all.
  case notArchive
  /// A zip archive whose directory or headers do not hold together.
  case badArchive(String)
  /// An entry compressed by a method other than DEFLATE (which np.savez_compressed uses, and is read).
  case compressedEntry(name: String, method: Int)
  /// An entry whose bytes do not match the CRC-32 the archive records.
  case checksumMismatch(name: String)
  /// An entry that is not a valid `.npy` file.
  case entry(name: String, NumPyFileError)
  /// More than a zip archive without the zip64 extensions holds (4 GiB, 65,535 entries).
  case archiveTooLarge

  public var description: String {
    switch self {
    case .empty:
      "the file is empty"
    case .wrongMagic:
      "not a .npy file: it does not begin with NumPy's magic string \\x93NUMPY"
    case let .unsupportedVersion(major, minor):
      "the .npy format version \(major).\(minor) is unknown (versions 1.0, 2.0 and 3.0 are read)"
    case let .truncatedHeader(needed, available):
      "the file is truncated: its header needs \(needed) bytes, only \(available) are there"
    case let .truncatedData(needed, available):
      "the file is truncated: its data needs \(needed) bytes, only \(available) are there"
    case let .badHeader(detail):
      "the .npy header is not valid: \(detail)"
    case let .unsupportedType(descr, kind):
      "its dtype \(descr) (\(kind)) cannot be loaded: Backstep reads floats, integers and booleans"
    case let .tensor(error):
      error.description
    case .notArchive:
      "not an .npz file: it is not a zip archive"
    case let .badArchive(detail):
      "the .npz archive is damaged: \(detail)"
    case let .compressedEntry(name, method):
      "`\(name)` is stored with compression method \(method); Backstep reads entries stored as np.savez "
        + "and np.savez_compressed write them (stored or deflated)"
    case let .checksumMismatch(name):
      "`\(name)` is damaged: its bytes do not match the archive's CRC-32 checksum"
    case let .entry(name, error):
      "`\(name)` in the archive: \(error.description)"
    case .archiveTooLarge:
      "the archive would be larger than a zip file holds (4 GiB or 65,535 tensors)"
    }
  }
}
