// SYNTAX TEST "source.dlm" "numbers, strings, comments, names"
val a = 1_000 + 1.5 + 1e-3f + 2F + 7
//      ^^^^^ constant.numeric.integer.dlm
//              ^^^ constant.numeric.float.dlm
//                    ^^^^^ constant.numeric.float.dlm
//                            ^^ constant.numeric.float.dlm
//                                 ^ constant.numeric.integer.dlm
val b = 1.toF32()
//      ^ constant.numeric.integer.dlm
//       ^ punctuation.accessor.dlm
//        ^^^^^ entity.name.function.call.dlm
val s = csv("data/iris.csv", target = "species\n")
//          ^ punctuation.definition.string.begin.dlm
//           ^^^^^^^^^^^^^ string.quoted.double.dlm
//                                     ^^^^^^^^^^ string.quoted.double.dlm
//                                            ^^ constant.character.escape.dlm
val bad = "a\q"
//          ^^ invalid.illegal.escape.dlm
val w = `hidden.W`
//      ^^^^^^^^^^ variable.other.backtick.dlm
/** A doc comment
 *  over lines. */
// <-------------- comment.block.documentation.dlm
/* a block comment */ val c = a
// <------------------- comment.block.dlm
//                    ^^^ storage.type.val.dlm
val t = x[0, ::2] >= 3 && !flag || y != z  // trailing
//                ^^ keyword.operator.comparison.dlm
//                     ^^ keyword.operator.logical.dlm
//                        ^ keyword.operator.logical.dlm
//                                   ^^ keyword.operator.comparison.dlm
//                                         ^^^^^^^^^^^ comment.line.double-slash.dlm
val d = tensor([1, 2], dtype = i64)
//                             ^^^ storage.type.dtype.dlm
