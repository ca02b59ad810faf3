"""The chapter's MNIST model by hand in NumPy (forward, backward, Adam); prints one JSON line.

784 -> 512 relu -> 10 softmax, glorot-uniform kernels and zero biases, sparse categorical
crossentropy, Adam(lr 1e-3, beta1 .9, beta2 .999, eps 1e-7) in Keras's form, batch 128,
reshuffled every epoch, u8 inputs scaled by 1/255 per batch; float32 throughout. The thread
count is OpenBLAS's (OPENBLAS_NUM_THREADS, set by the caller before NumPy loads).
"""
import time

import numpy as np

from common import median_time, parse_args, report
from idx import load_mnist

F32 = np.float32


def glorot_uniform(rng, fan_in, fan_out):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(F32)


class Adam:
    """Keras's update: p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        self.params, self.lr, self.b1, self.b2, self.eps, self.t = params, lr, beta1, beta2, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.scratch = [np.empty_like(p) for p in params]

    def step(self, grads):
        self.t += 1
        alpha = F32(self.lr * np.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t))
        for p, g, m, v, s in zip(self.params, grads, self.m, self.v, self.scratch):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            np.multiply(g, g, out=s)
            s *= 1 - self.b2
            v += s
            np.sqrt(v, out=s)
            s += self.eps
            np.divide(m, s, out=s)
            s *= alpha
            p -= s


def forward(params, images):
    w1, b1, w2, b2 = params
    x = images.astype(F32) / F32(255)
    h = np.maximum(x @ w1 + b1, 0)
    z = h @ w2 + b2
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return x, h, e / e.sum(axis=1, keepdims=True)


def train_step(params, opt, images, labels):
    """One batch: returns (loss sum, correct count)."""
    w1, b1, w2, b2 = params
    x, h, p = forward(params, images)
    n, rows = len(labels), np.arange(len(labels))
    loss_sum = -np.log(np.maximum(p[rows, labels], 1e-7)).sum()
    correct = (p.argmax(axis=1) == labels).sum()
    dz = p
    dz[rows, labels] -= 1
    dz /= n
    dh = dz @ w2.T
    dh[h <= 0] = 0
    opt.step([x.T @ dh, dh.sum(axis=0), h.T @ dz, dz.sum(axis=0)])
    return loss_sum, correct


def main():
    args = parse_args(__doc__)
    rng = np.random.default_rng(args.seed)
    tx, ty, vx, vy = load_mnist(args.data, args.limit)
    params = [glorot_uniform(rng, 784, 512), np.zeros(512, F32), glorot_uniform(rng, 512, 10), np.zeros(10, F32)]
    opt = Adam(params)

    epochs = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        order = rng.permutation(len(tx))
        loss_sum = correct = 0
        for i in range(0, len(tx), args.batch_size):
            idx = order[i:i + args.batch_size]
            batch_loss, batch_correct = train_step(params, opt, tx[idx], ty[idx])
            loss_sum += batch_loss
            correct += batch_correct
        seconds = time.perf_counter() - t0
        epochs.append(dict(epoch=epoch, loss=float(loss_sum) / len(tx), accuracy=int(correct) / len(tx), seconds=seconds))

    def predict():  # forward pass over the test set, in training-size batches
        return np.concatenate([forward(params, vx[i:i + args.batch_size])[2] for i in range(0, len(vx), args.batch_size)])

    predict_seconds, probs = median_time(predict, args.predict_repeats)
    test_loss = float(-np.log(np.maximum(probs[np.arange(len(vy)), vy], 1e-7)).mean())
    test_acc = float((probs.argmax(axis=1) == vy).mean())
    report("numpy", args, epochs, test_loss, test_acc, predict_seconds, version=np.__version__)


if __name__ == "__main__":
    main()
