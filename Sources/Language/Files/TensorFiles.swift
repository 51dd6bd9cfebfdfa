import Foundation
import Tensors

/// Tensors in NumPy's files on disk: `.npy` for one, `.npz` for a named set.
///
/// Files are mapped rather than read into memory, so that the size check of the
/// decoders comes before any large allocation. Writes go to a temporary file in
/// the same folder that is synced and then renamed over the target: a reader (or
/// a save interrupted by a killed process) sees the old file or the new one, never a mix.
public enum TensorFiles {
  /// A file that could not be read or written, with the reason in words.
  public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// Advice, where there is some (a missing file: where paths start).
    public var hint: String?
    public var description: String { message }
  }

  /// What a file turned out to hold.
  public enum Contents {
    case array(Tensor)
    case archive([NPZ.Entry])
  }

  /// Reads a `.npy` or `.npz` file, recognised by its first bytes.
  public static func read(_ path: String) throws(Failure) -> Contents {
    let data = try bytes(of: path)
    let prefix = data.prefix(6)
    do throws(NumPyFileError) {
      if NPY.hasMagic(prefix) { return .array(try NPY.decode(data)) }
      if NPZ.hasMagic(prefix) { return .archive(try NPZ.decode(data)) }
      throw data.isEmpty ? .empty : path.hasSuffix(".npz") ? NumPyFileError.notArchive : .wrongMagic
    } catch {
      throw Failure(message: "`\(path)`: \(error.description)")
    }
  }

  /// Writes one tensor as a `.npy` file (float64), atomically.
  public static func write(_ tensor: Tensor, to path: String) throws(Failure) {
    try writeAtomically(NPY.encode(tensor), to: path)
  }

  /// Writes named tensors as an `.npz` archive (one `NAME.npy` entry each), atomically.
  public static func write(_ entries: [NPZ.Entry], to path: String) throws(Failure) {
    let bytes: [UInt8]
    do throws(NumPyFileError) {
      bytes = try NPZ.encode(entries)
    } catch {
      throw Failure(message: "cannot write `\(path)`: \(error.description)")
    }
    try writeAtomically(bytes, to: path)
  }

  /// The bytes of a file, mapped into memory.
  static func bytes(of path: String) throws(Failure) -> Data {
    let expanded = NSString(string: path).expandingTildeInPath
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory) else {
      throw Failure(message: "there is no file `\(path)`", hint: "paths start in \(FileManager.default.currentDirectoryPath)")
    }
    guard !isDirectory.boolValue else { throw Failure(message: "`\(path)` is a folder, not a file") }
    // A device or a pipe (/dev/zero, /dev/stdin) could be read forever.
    let type = (try? FileManager.default.attributesOfItem(atPath: expanded))?[.type] as? FileAttributeType
    guard type == .typeRegular else { throw Failure(message: "`\(path)` is not a regular file") }
    do {
      return try Data(contentsOf: URL(fileURLWithPath: expanded), options: .alwaysMapped)
    } catch {
      throw Failure(message: "cannot read `\(path)`: \(reason(of: error))")
    }
  }

  /// Replaces the file at `path` with `bytes` in one step (temporary file, sync, rename).
  public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(Failure) {
    let target = URL(fileURLWithPath: NSString(string: path).expandingTildeInPath)
    let temporary = target.deletingLastPathComponent().appendingPathComponent(
      ".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).tmp")
    func failure(_ what: String) -> Failure {
      Failure(message: "cannot write `\(path)`: \(what)")
    }
    let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure(errorText(errno)) }
    var written = 0
    var problem: String?
    bytes.withUnsafeBytes { buffer in
      while written < buffer.count, let base = buffer.baseAddress {
        let n = systemWrite(descriptor, base + written, buffer.count - written)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else {
          problem = errorText(errno)
          return
        }
        written += n
      }
    }
    if problem == nil, fsync(descriptor) != 0 { problem = errorText(errno) }
    if close(descriptor) != 0, problem == nil { problem = errorText(errno) }
    if problem == nil, rename(temporary.path, target.path) != 0 { problem = errorText(errno) }
    if let problem {
      unlink(temporary.path)
      throw failure(problem)
    }
  }

  private static func errorText(_ code: Int32) -> String {
    String(cString: strerror(code)).lowercased()
  }

  private static func reason(of error: Error) -> String {
    if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
      return errorText(Int32(posix.code))
    }
    // Foundation's own wording ("The operation could not be completed. (NSCocoaErrorDomain …)") says nothing.
    return "the system would not read it as a file"
  }
}

/// POSIX `write`, out of reach of the `write` methods' names inside `TensorFiles`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, bytes, count)
}
