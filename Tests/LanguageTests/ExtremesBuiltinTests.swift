import Testing
import Autodiff
import Tensors
@testable import Language

/// maximum, minimum, clip, argmax and argmin, against NumPy's values (comments give the calls);
/// their gradients are checked with the rest of the rule book.
@Suite("Element-wise extremes")
struct ExtremesBuiltinTests {
  /// The NaN-aware equality of two tensors' shapes and values.
  func same(_ a: Tensor, _ b: Tensor) -> Bool {
    a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
  }

  @Test func maximumAndMinimumAreNumPysAndPropagateNaN() throws {
    // np.maximum([nan, 1, 2], [1, nan, 3]) is [nan, nan, 3.]; np.minimum gives [nan, nan, 2.].
    #expect(same(try tensor("maximum([nan, 1, 2], [1, nan, 3])"), Tensor([.nan, .nan, 3])))
    #expect(same(try tensor("minimum([nan, 1, 2], [1, nan, 3])"), Tensor([.nan, .nan, 2])))
    #expect(try tensor("maximum([[1], [5]], [2, 3, 4])") == Tensor(shape: [2, 3], scalars: [2, 3, 4, 5, 5, 5]))
  }

  @Test func aTieSplitsTheGradientInHalf() throws {
    // d maximum(a, b) at a == b: half to each, as PyTorch and JAX.
    #expect(try tensor("a = [1.0, 2.0, 3.0]; b = [1.0, 0.0, 5.0]; grad(sum(maximum(a, b)), a)") == Tensor([0.5, 1, 0]))
    #expect(try tensor("a = [1.0, 2.0, 3.0]; b = [1.0, 0.0, 5.0]; grad(sum(minimum(a, b)), b)") == Tensor([0.5, 1, 0]))
  }

  @Test func clipHoldsValuesInsideItsBounds() throws {
    #expect(try tensor("clip([-2, 0.5, 3], 0, 1)") == Tensor([0, 0.5, 1]))
    #expect(try tensor("clip([-2, 0.5, 3], max=1)") == Tensor([-2, 0.5, 1]))
    #expect(try tensor("clip([-2, 0.5, 3], None, 1)") == Tensor([-2, 0.5, 1]))
    #expect(try tensor("[-2, 0.5, 3].clip(min=0)") == Tensor([0, 0.5, 3]))
    // np.clip([-2, 0.5, 3], 1, 0) is [0., 0., 0.]: with min > max every value is max.
    #expect(try tensor("clip([-2, 0.5, 3], 1, 0)") == Tensor([0, 0, 0]))
    // The gradient goes to x inside (bounds included, as PyTorch's clamp), to the bound crossed outside.
    let interpreter = Interpreter()
    run("x = [-2.0, 0.0, 0.5, 1.0, 3.0]; lo = 0.0; hi = 1.0; L = sum(clip(x, lo, hi))", in: interpreter)
    #expect(try tensor("grad(L, x)", in: interpreter) == Tensor([0, 1, 1, 1, 0]))
    #expect(try tensor("grad(L, lo)", in: interpreter) == Tensor(1))
    #expect(try tensor("grad(L, hi)", in: interpreter) == Tensor(1))
  }

  @Test func argmaxAndArgminAreNumPys() throws {
    let interpreter = Interpreter()
    run("x = [[1, 5, 5], [4, 2, 4]]", in: interpreter)
    // np.argmax(x, axis=1) is [1, 0] (the first of a tie), np.argmax(x) 1, np.argmin(x, axis=0) [0, 1, 1].
    #expect(try tensor("argmax(x, axis=1)", in: interpreter) == Tensor([1, 0]))
    #expect(try tensor("argmax(x)", in: interpreter) == Tensor(1))
    #expect(try tensor("argmin(x, 0)", in: interpreter) == Tensor([0, 1, 1]))
    #expect(try tensor("x.argmax(axis=-1, keepdims=true)", in: interpreter).shape == [2, 1])
    #expect(try tensor("argmax(x, keepdims=true)", in: interpreter).shape == [1, 1])
    // A NaN counts as the extreme: np.argmax([1, nan, 3]) and np.argmin([1, nan, 0]) are 1.
    #expect(try tensor("argmax([1, nan, 3])") == Tensor(1))
    #expect(try tensor("argmin([1, nan, 0])") == Tensor(1))
    // Accuracy in a training loop, and no gradient through the positions.
    #expect(try tensor("mean(argmax([[2, 1], [0, 3], [5, 4]], axis=1) == [0, 1, 1])") == Tensor(2.0 / 3))
    #expect(renderedError("argmax(zeros(0))").hasPrefix("error: argmax of an empty tensor"))
    // NumPy: an empty axis has no extreme, other empty axes give empty results; a number's position is 0.
    #expect(try tensor("argmax(zeros(2, 0, 3), axis=2)").shape == [2, 0])
    #expect(renderedError("argmax(zeros(3, 0), axis=1)").hasPrefix("error: argmax of an empty tensor"))
    #expect(try tensor("argmax(5, axis=0)") == Tensor(0))
    #expect(renderedError("argmax(x, axis=2)", in: interpreter).hasPrefix("error: axis 2 is out of range"))
  }

  @Test func infNanAndPiAreNamedAndAVariableHidesThem() throws {
    #expect(try tensor("inf") == Tensor(.infinity))
    #expect(try tensor("-inf") == Tensor(-.infinity))
    #expect(try tensor("nan").scalars[0].isNaN)
    #expect(try tensor("pi") == Tensor(.pi))
    #expect(try tensor("pi = 3; pi") == Tensor(3))
    #expect(renderedError("np.inf").contains("hint: write `inf`"))
  }
}
