"""The book's MNIST convnet in PyTorch, set up as Keras does by default; prints one JSON line.

Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2) ->
Conv2D(128, 3, relu) -> Flatten -> Dense(10, softmax): 104,202 params, "valid" padding,
glorot-uniform kernels (PyTorch's xavier_uniform_ computes the same fans for a conv weight) and
zero biases, RMSprop(lr 1e-3, rho 0.9, eps 1e-7, as Keras: eps added to sqrt(v)), batch 64,
reshuffled every epoch, u8 inputs scaled by 1/255 per batch. PyTorch runs it channels-first
(NCHW), its native layout; the flattened features are in a different order than Keras's NHWC
flatten, which only permutes the dense layer's rows. The loss is F.cross_entropy on the logits
(the same value as softmax then sparse categorical crossentropy).
"""
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from common import median_time, parse_args, report
from idx import load_mnist


def convnet():
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3), nn.ReLU(),
        nn.Flatten(), nn.Linear(3 * 3 * 128, 10))
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)  # = Keras glorot_uniform
            nn.init.zeros_(layer.bias)
    return model


def main():
    args = parse_args(__doc__)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    tx, ty, vx, vy = (torch.from_numpy(a.copy()) for a in load_mnist(args.data, args.limit))
    tx, vx = tx.view(-1, 1, 28, 28), vx.view(-1, 1, 28, 28)
    ty, vy = ty.long(), vy.long()
    model = convnet()
    params = sum(p.numel() for p in model.parameters())
    assert params == 104_202, params
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)

    epochs = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        order = torch.from_numpy(rng.permutation(len(tx)))
        loss_sum, correct = torch.zeros(()), torch.zeros((), dtype=torch.long)
        for i in range(0, len(tx), args.batch_size):
            idx = order[i:i + args.batch_size]
            x, y = tx[idx].float() / 255, ty[idx]
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.detach() * len(y)
            correct += (logits.detach().argmax(1) == y).sum()
        seconds = time.perf_counter() - t0
        epochs.append(dict(epoch=epoch, loss=loss_sum.item() / len(tx), accuracy=correct.item() / len(tx), seconds=seconds))

    @torch.no_grad()
    def predict():  # forward pass over the test set, in training-size batches, softmax included
        return torch.cat([torch.softmax(model(vx[i:i + args.batch_size].float() / 255), 1)
                          for i in range(0, len(vx), args.batch_size)])

    predict_seconds, probs = median_time(predict, args.predict_repeats)
    test_loss = F.nll_loss(torch.log(probs.clamp_min(1e-7)), vy).item()
    test_acc = (probs.argmax(1) == vy).float().mean().item()
    report("pytorch", args, epochs, test_loss, test_acc, predict_seconds, version=torch.__version__, params=params)


if __name__ == "__main__":
    main()
