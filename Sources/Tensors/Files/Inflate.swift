import CZlib

/// Zip's method 8, raw DEFLATE (how `np.savez_compressed` writes its entries), through zlib.
enum Inflate {
  /// The `size` bytes that `compressed` inflates to, or an error when the data is damaged or
  /// inflates to any other size: the directory's declared size bounds what is allocated.
  static func bytes(
    of compressed: UnsafeRawBufferPointer, size: Int, name: String
  ) throws(NumPyFileError) -> [UInt8] {
    var stream = z_stream()
    // Negative window bits: raw DEFLATE, without zlib's own header and checksum (zip has a CRC-32).
    guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw .badArchive("zlib could not start inflating `\(name)`")
    }
    defer { inflateEnd(&stream) }
    // One byte of room more than declared, so that data inflating to more is noticed.
    var output = [UInt8](unsafeUninitializedCapacity: size + 1) { _, initialized in initialized = size + 1 }
    var status = Z_OK
    var produced = 0
    output.withUnsafeMutableBytes { out in
      guard let input = compressed.baseAddress, let base = out.baseAddress else { return }
      var consumed = 0
      // zlib counts in 32 bits: large entries are fed and drained in steps.
      while status == Z_OK {
        let feed = min(compressed.count - consumed, Int(UInt32.max))
        let room = min(out.count - produced, Int(UInt32.max))
        stream.next_in = UnsafeMutablePointer(mutating: (input + consumed).assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(feed)
        stream.next_out = (base + produced).assumingMemoryBound(to: UInt8.self)
        stream.avail_out = UInt32(room)
        status = inflate(&stream, Z_NO_FLUSH)
        let (read, written) = (feed - Int(stream.avail_in), room - Int(stream.avail_out))
        consumed += read
        produced += written
        if read == 0 && written == 0 { break }  // no progress: the input ended too early
      }
    }
    guard status == Z_STREAM_END, produced == size else {
      throw .badArchive("the compressed data of `\(name)` is damaged")
    }
    output.removeLast()
    return output
  }
}
