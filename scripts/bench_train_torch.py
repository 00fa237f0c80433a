#!/usr/bin/python3
"""PyTorch side of scripts/bench_train.sh: training images/s of the CIFAR ResNet-20
(He et al. 2016, option-A shortcuts, as qasim's zoo:resnet20) on 1x28x28 inputs.

usage: bench_train_torch.py THREADS BATCH IMAGES
Times SGD steps (momentum 0.9, weight decay 5e-4, cross-entropy) on random images after
two warm-up steps; prints `images_per_second N`.
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.stride, self.pad = stride, (cout - cin) // 2

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x
        if self.stride != 1 or self.pad:
            s = F.pad(x[:, :, :: self.stride, :: self.stride], (0, 0, 0, 0, self.pad, self.pad))
        return F.relu(y + s)


class ResNet20(nn.Module):
    def __init__(self, classes=10, channels=1):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for stage, planes in enumerate((16, 32, 64)):
            for block in range(3):
                layers.append(Block(cin, planes, 2 if stage > 0 and block == 0 else 1))
                cin = planes
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layers(x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def main():
    threads, batch, images = (int(a) for a in sys.argv[1:4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = ResNet20()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    steps = max(1, images // batch)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    took = time.perf_counter() - start
    print(f"images_per_second {steps * batch / took:.1f}")


if __name__ == "__main__":
    main()
