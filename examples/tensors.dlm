// The chapter's tensor section (2.2–2.3), in DLM. `dlmc run examples/tensors.dlm`
// prints what the chapter's NumPy session prints. Integer literals are i32 and
// float literals f32 (DLM's defaults), so arrays print like NumPy's.

// Scalars (rank-0 tensors)
val scalar = tensor(12)
println(scalar)                         // array(12)
println(scalar.ndim)                    // 0

// Vectors (rank-1 tensors)
val vector = [12, 3, 6, 14, 7]
println(vector)                         // array([12, 3, 6, 14, 7])
println(vector.ndim)                    // 1

// Matrices (rank-2 tensors)
val matrix = [[5, 78, 2, 34, 0],
              [6, 79, 3, 35, 1],
              [7, 80, 4, 36, 2]]
println(matrix.ndim)                    // 2
println(matrix.shape)                   // (3, 5)

// Rank-3 tensors
val cube = [[[5, 78, 2, 34, 0], [6, 79, 3, 35, 1], [7, 80, 4, 36, 2]],
            [[5, 78, 2, 34, 0], [6, 79, 3, 35, 1], [7, 80, 4, 36, 2]],
            [[5, 78, 2, 34, 0], [6, 79, 3, 35, 1], [7, 80, 4, 36, 2]]]
println(cube.ndim)                      // 3
println(cube.shape)                     // (3, 3, 5)

// Key attributes, on a stack shaped like the MNIST training images
val trainImages = zeros(60000, 28, 28, dtype = u8)
println(trainImages.ndim)               // 3
println(trainImages.shape)              // (60000, 28, 28)
println(trainImages.dtype)              // u8

// Slicing
println(trainImages[10:100].shape)              // (90, 28, 28)
println(trainImages[10:100, :, :].shape)        // (90, 28, 28)
println(trainImages[10:100, 0:28, 0:28].shape)  // (90, 28, 28)
println(trainImages[:, 14:, 14:].shape)         // (60000, 14, 14)
println(trainImages[:, 7:-7, 7:-7].shape)       // (60000, 14, 14)
println(matrix[1])                              // the second row
println(matrix[:, 0])                           // the first column

// Data batches
val batch = trainImages[:128]
val n = 3
println(batch.shape, trainImages[128:256].shape, trainImages[128 * n:128 * (n + 1)].shape)

// Element-wise operations
val x = random(20, 100, seed = 1)
val y = random(20, 100, seed = 2)
val z = maximum(x + y, 0f)
println(z.shape)                                // (20, 100)

// Broadcasting: y is (10,), repeated along a new first axis to match X (32, 10)
val X = random(32, 10, seed = 3)
val v = random(10, seed = 4)
val Y = tile(expandDims(v, 0), 32, 1)
println(expandDims(v, 0).shape, Y.shape)        // (1, 10) (32, 10)
println(max(abs((X + v) - (X + Y))))            // 0: broadcasting is the tile, without the copy
println(maximum(random(64, 3, 32, 10, seed = 5), random(32, 10, seed = 6)).shape)  // (64, 3, 32, 10)

// The tensor product
val a = random(32, seed = 7)
val b = random(32, seed = 8)
println((a @ b).shape)                          // (): a scalar
println([[1, 2], [3, 4]] @ [[5, 6], [7, 8]])    // array([[19, 22], [43, 50]])
println(random(3, 32, seed = 9) @ a)            // matrix · vector → (3,)
println((random(64, 3, 32, 10, seed = 10) @ random(10, seed = 11)).shape)      // (64, 3, 32)
println((random(64, 3, 32, 10, seed = 12) @ random(10, 5, seed = 13)).shape)   // (64, 3, 32, 5)

// Tensor reshaping
val r = [[0.0, 1.0],
         [2.0, 3.0],
         [4.0, 5.0]]
println(r.shape)                                // (3, 2)
println(r.reshape(6, 1))
println(r.reshape(2, 3))
println(zeros(300, 20).transpose().shape)       // (20, 300)

// Geometric interpretation: translation, rotation, scaling, affine transforms
val A = [0.5, 1]
val B = [1, 0.25]
println(A + B)                                  // translation: array([1.5 , 1.25])
val theta = PI / 2
val R = [[cos(theta), -sin(theta)],
         [sin(theta), cos(theta)]]
println(R @ [1.0, 0.0])                           // rotation by 90°: (1, 0) → (0, 1)
val S = [[2.0, 0.0],
         [0.0, 0.5]]
println(S @ A)                                  // scaling: array([1. , 0.5])
val W = [[1.0, 0.5],
         [0.0, 1.0]]
println(W @ A + B)                              // affine: a linear map, then a translation
println(relu(W @ A + B - 1.5f))                   // a dense layer is an affine map and an activation
