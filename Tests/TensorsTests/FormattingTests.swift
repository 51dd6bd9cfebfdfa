import Testing

@testable import Tensors

// Every expected string was printed by NumPy 2.4.6 (python3 with numpy); the comment
// above each one is the Python expression that produced it.

/// A tensor of `shape` holding 0, 1, 2, … divided by `divisor`, like `np.arange(n).reshape(shape) / d`.
private func arange(_ shape: [Int], over divisor: Double = 1) throws -> Tensor {
  try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Double($0) / divisor })
}

@Suite("Tensors print as NumPy's str(a)")
struct FormattingTests {
  // MARK: - Scalars

  @Test func zeroDimensionalTensorPrintsAsItsNumber() {
    // str(np.array(2.5)) -> 2.5
    #expect(Tensor(2.5).formatted() == "2.5")
    // str(np.array(2.0)) -> 2.0
    #expect(Tensor(2.0).formatted() == "2.0")
    // str(np.array(-0.0)) -> -0.0
    #expect(Tensor(-0.0).formatted() == "-0.0")
    // str(np.array(1e-05)) -> 1e-05
    #expect(Tensor(1e-05).formatted() == "1e-05")
  }

  @Test(arguments: [
    (2.0, "2.0"),  // str(np.float64(2))
    (0.1, "0.1"),  // str(np.float64(0.1))
    (0.1 + 0.2, "0.30000000000000004"),  // str(np.float64(0.1 + 0.2))
    (1e16, "1e+16"),  // str(np.float64(1e16))
    (1e15, "1000000000000000.0"),  // str(np.float64(1e15))
    (1e-05, "1e-05"),  // str(np.float64(1e-05))
    (0.0001, "0.0001"),  // str(np.float64(0.0001))
    (-1.5e-300, "-1.5e-300"),  // str(np.float64(-1.5e-300))
    (.nan, "nan"),  // str(np.float64(np.nan))
    (-.infinity, "-inf"),  // str(np.float64(-np.inf))
    (-0.0, "-0.0"),  // str(np.float64(-0.0))
    (5e-324, "5e-324"),  // str(np.float64(5e-324))
    (123456789.125, "123456789.125"),  // str(np.float64(123456789.125))
  ])
  func scalarPrintsAsNumPyFloat64(value: Double, expected: String) {
    #expect(Tensor.formatScalar(value) == expected)
  }

  // MARK: - Positional notation

  @Test func integralValuesGetATrailingPoint() {
    // str(np.array([1., 2., 3.]))
    #expect(Tensor([1, 2, 3]).formatted() == "[1. 2. 3.]")
  }

  @Test func fractionsArePaddedSoThePointsLineUp() {
    // str(np.array([1., 2.5, -3.]))
    #expect(Tensor([1, 2.5, -3]).formatted() == "[ 1.   2.5 -3. ]")
    // str(np.array([1., -1.]))
    #expect(Tensor([1, -1]).formatted() == "[ 1. -1.]")
  }

  @Test func matrix() throws {
    let matrix = try Tensor(rows: [[2.5, 5, 7.5, 10, 12.5], [-2.5, -5, -7.5, -10, -12.5]])
    // str(np.array([[2.5, 5, 7.5, 10, 12.5], [-2.5, -5, -7.5, -10, -12.5]]))
    #expect(
      matrix.formatted() == """
        [[  2.5   5.    7.5  10.   12.5]
         [ -2.5  -5.   -7.5 -10.  -12.5]]
        """)
  }

  @Test func precisionRoundsToEightDigitsAndDropsTrailingZeros() {
    // str(np.array([0.1 + 0.2, 1.]))
    #expect(Tensor([0.1 + 0.2, 1]).formatted() == "[0.3 1. ]")
    // str(np.array([1/3, 2/3]))
    #expect(Tensor([1.0 / 3, 2.0 / 3]).formatted() == "[0.33333333 0.66666667]")
    // str(np.array([9.9999999999, 1.]))
    #expect(Tensor([9.9999999999, 1]).formatted() == "[10.  1.]")
  }

  @Test func roundingIsExactWithTiesToEven() {
    // np.array2string(np.array([0.001, 0.006, 0.005, 1.]), precision=2)
    #expect(
      Tensor([0.001, 0.006, 0.005, 1]).formatted(options: .init(precision: 2))
        == "[0.   0.01 0.01 1.  ]")
    // np.array2string(np.array([0.5, 1.5, 2.5, 3.]), precision=0)
    #expect(Tensor([0.5, 1.5, 2.5, 3]).formatted(options: .init(precision: 0)) == "[0. 2. 2. 3.]")
    // np.array2string(np.array([np.pi, -np.e, 100.]), precision=3)
    #expect(
      Tensor([Double.pi, -2.718281828459045, 100]).formatted(options: .init(precision: 3))
        == "[  3.142  -2.718 100.   ]")
  }

  // MARK: - nan, inf and signed zero

  @Test func nonFiniteValuesAreRightAligned() {
    // str(np.array([1., np.nan, np.inf]))
    #expect(Tensor([1, .nan, .infinity]).formatted() == "[ 1. nan inf]")
    // str(np.array([-np.inf, 0.5]))
    #expect(Tensor([-.infinity, 0.5]).formatted() == "[-inf  0.5]")
    // str(np.array([np.nan, -np.inf]))
    #expect(Tensor([.nan, -.infinity]).formatted() == "[ nan -inf]")
    // str(np.array([1e-05, np.nan]))
    #expect(Tensor([1e-05, .nan]).formatted() == "[1.e-05    nan]")
  }

  @Test func negativeZeroKeepsItsSign() {
    // str(np.array([0., -0.]))
    #expect(Tensor([0, -0.0]).formatted() == "[ 0. -0.]")
  }

  // MARK: - Scientific notation

  @Test func smallValuesSwitchToScientific() {
    // str(np.array([1e-05, 1.]))
    #expect(Tensor([1e-05, 1]).formatted() == "[1.e-05 1.e+00]")
    // str(np.array([1.5e-05, 1e3]))
    #expect(Tensor([1.5e-05, 1e3]).formatted() == "[1.5e-05 1.0e+03]")
    // str(np.array([1e-100, 1.]))
    #expect(Tensor([1e-100, 1]).formatted() == "[1.e-100 1.e+000]")
  }

  @Test func largeValuesSwitchToScientific() {
    // str(np.array([1e8, 1.]))
    #expect(Tensor([1e8, 1]).formatted() == "[1.e+08 1.e+00]")
    // str(np.array([1.23456789012e10, -2.]))
    #expect(Tensor([1.23456789012e10, -2]).formatted() == "[ 1.23456789e+10 -2.00000000e+00]")
  }

  @Test func mantissasAreFilledFromTheExactValue() throws {
    // str(np.array([5e-324, 1e8, 1/3]))  (alone, str(np.array([5e-324])) is [5.e-324])
    #expect(
      Tensor([5e-324, 1e8, 1.0 / 3]).formatted()
        == "[4.94065646e-324 1.00000000e+008 3.33333333e-001]")
    // str(np.array([[1e-3, np.nan], [-np.inf, 12345.678]]))
    #expect(
      try Tensor(rows: [[1e-3, .nan], [-.infinity, 12345.678]]).formatted() == """
        [[1.0000000e-03           nan]
         [         -inf 1.2345678e+04]]
        """)
  }

  // MARK: - Nesting and wrapping

  @Test func blocksOfRankThreeAreSeparatedByABlankLine() throws {
    // str(np.arange(24.).reshape(2, 3, 4))
    #expect(
      try arange([2, 3, 4]).formatted() == """
        [[[ 0.  1.  2.  3.]
          [ 4.  5.  6.  7.]
          [ 8.  9. 10. 11.]]

         [[12. 13. 14. 15.]
          [16. 17. 18. 19.]
          [20. 21. 22. 23.]]]
        """)
    // str(np.arange(4.).reshape(1, 2, 1, 2) / 4)
    #expect(
      try arange([1, 2, 1, 2], over: 4).formatted() == """
        [[[[0.   0.25]]

          [[0.5  0.75]]]]
        """)
  }

  @Test func emptyTensorsPrintAsEmptyBrackets() throws {
    // str(np.zeros(0))
    #expect(Tensor([]).formatted() == "[]")
    // str(np.zeros((2, 0)))
    #expect(try Tensor.zeros([2, 0]).formatted() == "[]")
  }

  @Test func longRowsWrapAtSeventyFiveColumns() throws {
    // str(np.arange(30.) * 1.5)
    #expect(
      try arange([30], over: 1 / 1.5).formatted() == """
        [ 0.   1.5  3.   4.5  6.   7.5  9.  10.5 12.  13.5 15.  16.5 18.  19.5
         21.  22.5 24.  25.5 27.  28.5 30.  31.5 33.  34.5 36.  37.5 39.  40.5
         42.  43.5]
        """)
    // str(np.linspace(0., 1., 12).reshape(2, 6) * 1000)
    let linspace = try Tensor(shape: [2, 6], scalars: (0..<12).map { Double($0) / 11 * 1000 })
    #expect(
      linspace.formatted() == """
        [[   0.           90.90909091  181.81818182  272.72727273  363.63636364
           454.54545455]
         [ 545.45454545  636.36363636  727.27272727  818.18181818  909.09090909
          1000.        ]]
        """)
    // np.array2string(np.arange(12.), max_line_width=20)
    #expect(
      try arange([12]).formatted(options: .init(lineWidth: 20)) == """
        [ 0.  1.  2.  3.
          4.  5.  6.  7.
          8.  9. 10. 11.]
        """)
  }

  // MARK: - Summaries

  @Test func summaryWidthsComeFromTheShownElementsOnly() throws {
    // str(np.arange(1001.))
    #expect(try arange([1001]).formatted() == "[   0.    1.    2. ...  998.  999. 1000.]")
    // str(np.arange(1000.)) is not summarized: 1000 elements is not above the threshold
    #expect(try !arange([1000]).formatted().contains("..."))
  }

  @Test func summarizedArangeUsesScientificForItsRange() throws {
    // str(np.arange(2000.))  (1999 / 1 > 1e3, so scientific)
    #expect(
      try arange([2000]).formatted()
        == "[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]")
  }

  @Test func summarizedMatrix() throws {
    // str(np.arange(10000.).reshape(100, 100) / 7)
    #expect(
      try arange([100, 100], over: 7).formatted() == """
        [[0.00000000e+00 1.42857143e-01 2.85714286e-01 ... 1.38571429e+01
          1.40000000e+01 1.41428571e+01]
         [1.42857143e+01 1.44285714e+01 1.45714286e+01 ... 2.81428571e+01
          2.82857143e+01 2.84285714e+01]
         [2.85714286e+01 2.87142857e+01 2.88571429e+01 ... 4.24285714e+01
          4.25714286e+01 4.27142857e+01]
         ...
         [1.38571429e+03 1.38585714e+03 1.38600000e+03 ... 1.39957143e+03
          1.39971429e+03 1.39985714e+03]
         [1.40000000e+03 1.40014286e+03 1.40028571e+03 ... 1.41385714e+03
          1.41400000e+03 1.41414286e+03]
         [1.41428571e+03 1.41442857e+03 1.41457143e+03 ... 1.42814286e+03
          1.42828571e+03 1.42842857e+03]]
        """)
  }

  @Test func summarizedRankThreeWithOptions() throws {
    // np.array2string(np.arange(64.).reshape(4, 4, 4), threshold=10, edgeitems=1)
    #expect(
      try arange([4, 4, 4]).formatted(options: .init(threshold: 10, edgeItems: 1)) == """
        [[[ 0. ...  3.]
          ...
          [12. ... 15.]]

         ...

         [[48. ... 51.]
          ...
          [60. ... 63.]]]
        """)
    // np.array2string(np.arange(20.), threshold=10, edgeitems=2)
    #expect(
      try arange([20]).formatted(options: .init(threshold: 10, edgeItems: 2))
        == "[ 0.  1. ... 18. 19.]")
  }

  @Test func millionElementTensorIsSummarizedBeforeFormatting() throws {
    let big = try arange([1000, 1000])
    let clock = ContinuousClock()
    var text = ""
    let elapsed = clock.measure { text = big.formatted() }
    // str(np.arange(1e6).reshape(1000, 1000))
    #expect(
      text == """
        [[0.00000e+00 1.00000e+00 2.00000e+00 ... 9.97000e+02 9.98000e+02
          9.99000e+02]
         [1.00000e+03 1.00100e+03 1.00200e+03 ... 1.99700e+03 1.99800e+03
          1.99900e+03]
         [2.00000e+03 2.00100e+03 2.00200e+03 ... 2.99700e+03 2.99800e+03
          2.99900e+03]
         ...
         [9.97000e+05 9.97001e+05 9.97002e+05 ... 9.97997e+05 9.97998e+05
          9.97999e+05]
         [9.98000e+05 9.98001e+05 9.98002e+05 ... 9.98997e+05 9.98998e+05
          9.98999e+05]
         [9.99000e+05 9.99001e+05 9.99002e+05 ... 9.99997e+05 9.99998e+05
          9.99999e+05]]
        """)
    // 36 numbers are formatted; a million would take far longer than this.
    #expect(elapsed < .seconds(1))
  }

  @Test func descriptionIsTheDefaultFormatting() throws {
    let matrix = try Tensor(rows: [[1, 2.5], [3, 4]])
    // str(np.array([[1., 2.5], [3., 4.]]))
    #expect(matrix.description == "[[1.  2.5]\n [3.  4. ]]")
    #expect("\(matrix)" == matrix.formatted())
  }

  // MARK: - Digit generation

  @Test func decimalDigitsAreShortestThenCut() {
    // np.format_float_positional(0.1 + 0.2, unique=True) -> '0.30000000000000004'
    let shortest = DecimalDigits(0.1 + 0.2)
    #expect(
      shortest.digits == [3] + Array(repeating: 0, count: 15) + [4] && shortest.exponent == -1)
    // np.format_float_positional(0.1 + 0.2, precision=8, trim='-') -> '0.3'
    let cut = DecimalDigits(0.1 + 0.2, fractionDigits: 8)
    #expect(cut.digits == [3] && cut.exponent == -1)
    // np.format_float_scientific(5e-324, precision=3, min_digits=3) -> '4.941e-324'
    let filled = DecimalDigits(5e-324, significantDigits: 4, atLeast: 4)
    #expect(filled.digits == [4, 9, 4, 1] && filled.exponent == -324)
  }
}
