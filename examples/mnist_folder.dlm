// Images from a folder, one subfolder a class (Keras's image_dataset_from_directory): 1,000 MNIST
// test digits as PNGs under data/mnist_folder/0 … 9, written by scripts/make-mnist-folder.sh
// (dlmc show mnist --split test --count 1000 --folder …). A small convnet trained on 800 of them
// and tested on the other 200.
import std.nn.*

model FolderConvnet(images: u8[batch, 28, 28, 1]) {
    val x = rescaling(images.toF32(), scale = 1f / 255f)
    val conv1 = conv2d(x, filters = 16, kernelSize = 3, activation = ::relu)
    val pool1 = maxPooling2d(conv1, poolSize = 2)
    val conv2 = conv2d(pool1, filters = 32, kernelSize = 3, activation = ::relu)
    val pool2 = maxPooling2d(conv2, poolSize = 2)
    return dense(flatten(pool2), units = 10, activation = ::softmax)
}

train(FolderConvnet) {
    data = split(imageFolder("data/mnist_folder", size = [28, 28], color = "grayscale"), test = 0.2, seed = 1)
    loss = ::sparseCategoricalCrossentropy
    optimizer = adam()
    metrics = [::accuracy]
    epochs = 15
    batchSize = 32
}
