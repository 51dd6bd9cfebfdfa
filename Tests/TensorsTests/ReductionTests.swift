import Foundation
import Testing
@testable import Tensors

@Suite("Reductions")
struct ReductionTests {
  /// Every run length around the eight lanes and their tail: integers sum exactly.
  @Test(arguments: Array(0...17) + [1000, 1003])
  func aRunSumsToTheExactTotal(length: Int) throws {
    let x = Tensor((0..<length).map(Double.init))
    #expect(try x.reduced(.sum).scalars == [Double(length * (length - 1) / 2)])
  }

  /// A row's maximum and minimum, taken eight lanes at a time, are what folding the row one
  /// element at a time gives, to the bit: the sign of a zero the order picks, and NaN, included.
  @Test func rowExtremesAreTheSequentialFoldsToTheBit() throws {
    var random = RandomGenerator(seed: 9)
    let specials: [Double] = [0, -0.0, .nan, .infinity, -.infinity, 1e-310]
    for length in 0...70 {
      for trial in 0..<6 {
        var row = (0..<length).map { _ in 4 * random.uniform() - 2 }
        // Trial 0 keeps plain values; the others plant special values at random places.
        for _ in 0..<(trial == 0 ? 0 : min(length, trial)) {
          row[Int(random.uniform() * Double(length))] = specials[Int(random.uniform() * Double(specials.count))]
        }
        if trial == 5 { row = row.map { $0 < 0 ? -0.0 : 0 } }  // only zeros of both signs
        let reduced = try Tensor(shape: [1, length], scalars: row)
        for initial in [-Double.infinity, Double.infinity, 0.5, .nan] {
          let largest = row.withUnsafeBufferPointer { Tensor.extreme($0, from: initial, largest: true) }
          let smallest = row.withUnsafeBufferPointer { Tensor.extreme($0, from: initial, largest: false) }
          let expectedLargest = row.reduce(initial, Tensor.larger), expectedSmallest = row.reduce(initial, Tensor.smaller)
          #expect(largest.bitPattern == expectedLargest.bitPattern, "max of \(row) from \(initial)")
          #expect(smallest.bitPattern == expectedSmallest.bitPattern, "min of \(row) from \(initial)")
        }
        if length > 0 {
          #expect(try reduced.reduced(.max, axes: [1]).scalars[0].bitPattern == row.reduce(-.infinity, Tensor.larger).bitPattern)
        }
      }
    }
  }

  /// Of several NaNs, a maximum or minimum keeps the first, as NumPy's: with
  /// n1 = 0x7ff8000000000001 and n2 = 0xfff8000000000002,
  /// `np.array([1, n1, 2, n2, 3]).max()` is n1, and over axis 0 of
  /// `[[1, 1], [n1, 2], [2, n2], [n2, n1]]` both give [n1, n2].
  @Test func theFirstNaNStaysAsInNumPy() throws {
    let n1 = Double(bitPattern: 0x7FF8_0000_0000_0001), n2 = Double(bitPattern: 0xFFF8_0000_0000_0002)
    func bits(_ t: Tensor) -> [UInt64] { t.scalars.map(\.bitPattern) }
    let run = Tensor([1, n1, 2, n2, 3])
    #expect(bits(try run.reduced(.max)) == [n1.bitPattern])
    #expect(bits(try run.reduced(.min)) == [n1.bitPattern])
    // A long row goes through the eight-lane path and then the fold.
    let long = Tensor((0..<40).map { $0 == 5 ? n1 : $0 == 30 ? n2 : Double($0) })
    #expect(bits(try long.reduced(.max)) == [n1.bitPattern])
    #expect(bits(try long.reduced(.min, axes: [0])) == [n1.bitPattern])
    let columns = try Tensor(rows: [[1, 1], [n1, 2], [2, n2], [n2, n1]])
    #expect(bits(try columns.reduced(.max, axes: [0])) == [n1.bitPattern, n2.bitPattern])
    #expect(bits(try columns.reduced(.min, axes: [0])) == [n1.bitPattern, n2.bitPattern])
  }

  @Test func rowSumsAgreeWithARunningTotal() throws {
    var random = RandomGenerator(seed: 5)
    let x = try random.normal([3, 37])
    let sums = try x.reduced(.sum, axes: [1], keepDims: true)
    #expect(sums.shape == [3, 1])
    for row in 0..<3 {
      let running = x.scalars[row * 37..<(row + 1) * 37].reduce(0, +)
      #expect(abs(sums.scalars[row] - running) < 1e-12)
    }
  }

  /// 300 × 257 = 77,100 elements: more than two grains, so the reductions below are split
  /// across cores (by columns for axis 0, by rows for axis 1) and checked element by element.
  @Test func largeReductionsMatchTheirDefinition() throws {
    let (rows, columns) = (300, 257)
    var random = RandomGenerator(seed: 9)
    let x = try random.normal([rows, columns])
    func at(_ i: Int, _ j: Int) -> Double { x.scalars[i * columns + j] }

    // Down the columns, in row order: the same additions in the same order, so exactly equal.
    let columnSums = try x.reduced(.sum, axes: [0])
    let columnMaxima = try x.reduced(.max, axes: [0])
    for j in 0..<columns {
      #expect(columnSums.scalars[j] == (0..<rows).reduce(0) { $0 + at($1, j) })
      #expect(columnMaxima.scalars[j] == (0..<rows).map { at($0, j) }.max())
    }
    // Along the rows.
    let rowSums = try x.reduced(.sum, axes: [1])
    let rowMinima = try x.reduced(.min, axes: [1])
    let rowMeans = try x.reduced(.mean, axes: [1])
    for i in 0..<rows {
      let row = (0..<columns).map { at(i, $0) }
      #expect(abs(rowSums.scalars[i] - row.reduce(0, +)) < 1e-11)
      #expect(rowMinima.scalars[i] == row.min())
      #expect(abs(rowMeans.scalars[i] - row.reduce(0, +) / Double(columns)) < 1e-13)
    }
  }

  /// NumPy's own sums (Fixtures/sums/sums.npz, from make_fixtures.py): the same additions in the
  /// same order, so equal to the last bit, for runs around each of pairwise_sum's block sizes.
  @Test func sumsAreNumPysToTheLastBit() throws {
    let entries = Dictionary(uniqueKeysWithValues: try NPZ.decode(try Fixture.bytes("sums/sums.npz")).map { ($0.name, $0.tensor) })
    let expected = try #require(entries["expected"])
    for (index, length) in [5, 8, 15, 100, 128, 129, 1000, 1031].enumerated() {
      let run = try #require(entries["x\(length)"])
      #expect(try run.reduced(.sum).scalars[0].bitPattern == expected.scalars[index].bitPattern, "length \(length)")
    }
    let matrix = try #require(entries["matrix"])
    #expect(bits(try matrix.reduced(.sum, axes: [1])) == bits(try #require(entries["row_sums"])))
    #expect(bits(try matrix.reduced(.sum, axes: [0])) == bits(try #require(entries["column_sums"])))
    #expect(bits(try matrix.reduced(.mean)) == bits(try #require(entries["mean"])))
  }
}
