import Language

extension Commands {
  /// The commands that show how gradients come about.
  static let teaching: [Command] = [
    Command(name: "trace", usage: ":trace EXPR [-v]",
            summary: "The forward pass, op by op, with the shapes going in and out and broadcasting drawn (-v: values).") {
      session, arguments throws(EvaluationError) in try trace(session, arguments)
    },
    Command(name: "backward", usage: ":backward L [-v]",
            summary: "The backward pass of a scalar, one rule per step, with shapes (-v: values).") { session, arguments throws(EvaluationError) in
      try backward(session, arguments)
    },
    Command(name: "derive", usage: ":derive L wrt x",
            summary: "dL/dx as statements you can paste back: the gradient written as an expression.") { session, arguments throws(EvaluationError) in
      try derive(session, arguments)
    },
    Command(name: "explain", usage: ":explain [OP]",
            summary: "The rule book: an op's forward, backward, derivation, shapes, pitfall, cost and an example.") {
      session, arguments throws(EvaluationError) in try explain(session, arguments)
    },
    Command(name: "check", usage: ":check L",
            summary: "Compares autodiff with central finite differences for every leaf that L depends on.") {
      session, arguments throws(EvaluationError) in try check(session, arguments)
    },
    Command(name: "graph", usage: ":graph L [--dot FILE] [--svg FILE]",
            summary: "The computation graph as a picture: ops, shapes, the leaves by name (DOT/SVG for Graphviz).") {
      session, arguments throws(EvaluationError) in try graph(session, arguments)
    },
    Command(name: "cost", usage: ":cost EXPR [vs EXPR]",
            summary: "Forward and backward flops and the memory of every intermediate; two expressions compared.") {
      session, arguments throws(EvaluationError) in try cost(session, arguments)
    },
  ] + pictures
}
