import Foundation

/// Little-endian reads from a byte buffer that return `nil` instead of reading past its end.
///
/// Every read of a file goes through here, so a truncated or lying file can
/// only produce an error, never an out-of-bounds access.
struct ByteReader {
  let bytes: UnsafeRawBufferPointer
  /// The next byte to read.
  var offset: Int

  init(_ bytes: UnsafeRawBufferPointer, at offset: Int = 0) {
    self.bytes = bytes
    self.offset = offset
  }

  /// Bytes left after `offset`.
  var remaining: Int { Swift.max(0, bytes.count - offset) }

  /// Reads an unsigned little-endian integer and moves past it.
  mutating func read<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> T? {
    guard let value = peek(T.self, at: offset) else { return nil }
    offset += MemoryLayout<T>.size
    return value
  }

  /// The integer at `position`, without moving.
  func peek<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, at position: Int) -> T? {
    let size = MemoryLayout<T>.size
    guard position >= 0, position <= bytes.count - size else { return nil }
    return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
  }

  /// The next `count` bytes, and moves past them.
  mutating func take(_ count: Int) -> UnsafeRawBufferPointer? {
    guard let slice = slice(from: offset, count: count) else { return nil }
    offset += count
    return slice
  }

  /// `count` bytes from `position`, without moving.
  func slice(from position: Int, count: Int) -> UnsafeRawBufferPointer? {
    guard count >= 0, position >= 0, position <= bytes.count, count <= bytes.count - position else { return nil }
    return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
  }

  /// Moves by `count` bytes; false (and no move) when that leaves the buffer.
  mutating func skip(_ count: Int) -> Bool {
    guard count >= 0, count <= remaining else { return false }
    offset += count
    return true
  }
}

/// Appending little-endian integers to a byte array, for the writers.
extension Array where Element == UInt8 {
  mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
    Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
  }
}

extension ContiguousBytes {
  /// Calls `body` with the bytes, passing its typed error through `withUnsafeBytes` (which
  /// rethrows untyped errors only).
  func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws(NumPyFileError) -> T) throws(NumPyFileError) -> T {
    let result: Result<T, NumPyFileError> = withUnsafeBytes { raw in
      do throws(NumPyFileError) {
        return .success(try body(raw))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }
}
