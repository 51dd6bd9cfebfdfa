import Foundation

/// NumPy's `.npy` format, as `np.save` writes and `np.load` reads it.
///
/// Reading takes versions 1.0, 2.0 and 3.0; float64 loads as is, and float32,
/// float16, integers of 1–8 bytes and booleans convert to float64. Big-endian
/// files are byte-swapped and Fortran-order files transposed into row-major
/// order, so every file NumPy writes for those types loads with its values.
/// Writing gives exactly the bytes of `np.save` for a float64 array: version 1.0
/// (2.0 when the header is too long for it), little-endian, C order.
public enum NPY {
  /// A tensor from the bytes of a `.npy` file.
  ///
  /// Every read is bounds-checked and the size is checked against
  /// `Shape.byteLimit` before any allocation: a damaged file gives an error.
  public static func decode(_ data: some ContiguousBytes) throws(NumPyFileError) -> Tensor {
    try data.withBytes { (raw) throws(NumPyFileError) in try decode(raw) }
  }

  static func decode(_ raw: UnsafeRawBufferPointer) throws(NumPyFileError) -> Tensor {
    let header = try NPYHeader.read(raw)
    let count: Int
    do {
      count = try Shape.elementCount(header.shape)
    } catch {
      throw .tensor(error)
    }
    let needed = count * header.dataType.size
    let reader = ByteReader(raw, at: header.dataOffset)
    guard let body = reader.slice(from: header.dataOffset, count: needed) else {
      throw .truncatedData(needed: needed, available: reader.remaining)
    }
    let scalars = header.dataType.decode(body, count: count)
    guard header.fortranOrder, header.shape.count > 1 else {
      return Tensor(uncheckedShape: header.shape, scalars: scalars)
    }
    // Fortran order is the row-major layout of the reversed shape: reverse the axes back.
    do {
      return try Tensor(uncheckedShape: header.shape.reversed(), scalars: scalars).transposed()
    } catch {
      throw .tensor(error)
    }
  }

  /// The bytes of a `.npy` file holding `tensor` as little-endian float64 (`'<f8'`).
  public static func encode(_ tensor: Tensor) -> [UInt8] {
    var bytes = NPYHeader.encode(NPYHeader.dictionaryText(descr: "<f8", fortranOrder: false, shape: tensor.shape))
    bytes.reserveCapacity(bytes.count + tensor.count * 8)
    if 1.littleEndian == 1 {
      tensor.scalars.withUnsafeBytes { bytes.append(contentsOf: $0) }
    } else {
      for x in tensor.scalars { bytes.appendLittleEndian(x.bitPattern) }
    }
    return bytes
  }

  /// Whether `prefix` (the first bytes of a file) starts like a `.npy` file.
  public static func hasMagic(_ prefix: some Collection<UInt8>) -> Bool {
    prefix.starts(with: NPYHeader.magic)
  }
}
