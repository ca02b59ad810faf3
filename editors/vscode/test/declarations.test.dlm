// SYNTAX TEST "source.dlm" "declarations, keywords, dtypes and shapes"
import std.nn.*
// <------ keyword.other.import.dlm
//     ^^^^^^ entity.name.namespace.dlm
//           ^ punctuation.accessor.dlm
//            ^ keyword.operator.wildcard.dlm

model Mnist(images: u8[batch, 28, 28]) {
// <----- storage.type.model.dlm
//    ^^^^^ entity.name.type.model.dlm
//          ^^^^^^ variable.other.dlm
//                  ^^ storage.type.dtype.dlm
//                    ^ punctuation.section.shape.begin.dlm
//                     ^^^^^ variable.other.dimension.dlm
//                            ^^ constant.numeric.integer.dlm
//                                  ^ punctuation.section.shape.end.dlm
    val x = images.reshape(batch, 28 * 28).toF32() / 255f
//  ^^^ storage.type.val.dlm
//      ^ variable.other.declaration.dlm
//                ^ punctuation.accessor.dlm
//                 ^^^^^^^ entity.name.function.call.dlm
//                                   ^ keyword.operator.arithmetic.dlm
//                                                    ^^^^ constant.numeric.float.dlm
    val hidden = dense(x, units = 512, activation = ::relu)
//               ^^^^^ entity.name.function.call.dlm
//                              ^ keyword.operator.assignment.dlm
//                                                  ^^ keyword.operator.reference.dlm
//                                                    ^^^^ entity.name.function.reference.dlm
    return dense(hidden, units = 10, activation = ::softmax)
//  ^^^^^^ keyword.control.return.dlm
}

fun naiveDense(x: f32[n, i], units: Int, activation: (Tensor) -> Tensor): f32[n, units] {
// <--- storage.type.function.dlm
//  ^^^^^^^^^^ entity.name.function.dlm
//                ^^^ storage.type.dtype.dlm
//                                  ^^^ support.type.dlm
//                                                            ^^ keyword.operator.arrow.dlm
//                                                                               ^^^^^ variable.other.dimension.dlm
    param W: f32[i, units] = uniform(-0.05, 0.05)
//  ^^^^^ storage.type.param.dlm
//        ^ variable.other.param.dlm
//                                    ^^^^ constant.numeric.float.dlm
    state mean: f32[units] = zeros()
//  ^^^^^ storage.type.param.dlm
    return activation(x @ W + b)
//                      ^ keyword.operator.matmul.dlm
}

train(Mnist) {
// <----- keyword.other.train.dlm
//    ^^^^^ entity.name.type.model.dlm
    optimizer = adam(learningRate = 1e-3)
//                                  ^^^^ constant.numeric.float.dlm
    epochs = 5
//           ^ constant.numeric.integer.dlm
    shuffle = true
//            ^^^^ constant.language.boolean.dlm
}
