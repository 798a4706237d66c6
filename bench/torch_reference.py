#!/usr/bin/env python3
"""PyTorch reference for `collapse bench`: collapse-lab's work timed in plain PyTorch.

Two modes. Without --paper, the training step of collapse-lab's GPT at a model size (below). With --paper, one
generation of Herel & Mikolov's experiment as their nanoGPT code runs it, for `collapse bench gpt2`: GPT-2 124M
shapes (12 layers, 12 heads, width 768, 50,257 tokens, tanh GELU, random weights) cropped to a context of 100;
nanoGPT's generate (the input cropped to the last 100 tokens, a full forward pass per token with the head on the
last position only, top-k 200 keeping ties, softmax, multinomial) of --tokens tokens from "\n" at batch 1, timed
after an untimed one of 108 tokens (just past the context, as the Java side warms up); and its training step
(one 100-token window, cross-entropy, backward, clipping at 1.0, AdamW lr 4e-5, betas 0.9/0.95, weight decay 0.1
on matrices), timed one step at a time after --warmup-steps.
Its peak resident memory is read after the training steps, before sampling.

    python3 bench/torch_reference.py --paper --threads 2 --tokens 1024

The model, batch and optimizer mirror the Java side (lm/.../model/Gpt.java, train/Trainer.java, train/AdamW.java
and bench/Benchmark.java), so the ratio of the two speeds shows what running the same step through DJL costs or
saves:

  * GPT as in nanoGPT: learned token and position embeddings, pre-LayerNorm blocks (eps 1e-5) of causal
    multi-head attention (additive -1e9 mask, softmax) and a 4x GELU MLP, a final LayerNorm, an LM head tied to
    the token embedding, no dropout. Init: N(0, 0.02), residual projections N(0, 0.02 / sqrt(2 * layers)), zero
    biases, unit LayerNorm gains. Byte-level vocabulary of 256.
  * Each step: a batch of random windows of context + 1 tokens, mean cross-entropy (log-softmax, gather, mean),
    backward, global-norm gradient clipping at 1.0, AdamW (lr 1e-3, betas 0.9/0.95, eps 1e-8, weight decay 0.1
    on matrices only), and the loss read back as a number, as the Java trainer does every step.
  * The text is uniformly random bytes: a step costs the same whatever the tokens are.
  * The forward pass's matrix products are also timed alone, at the step's shapes (per block the four linear
    layers over all batch x context rows and the two attention products per head, then the LM head), as
    lm/.../bench/MatrixProducts.java does on the Java side: their GFLOP/s is the speed of the BLAS each side links.
  * Warm-up first (--warmup-steps steps, and at least --warmup-seconds), then timed runs of a few steps each
    (time.perf_counter); the speed is the median of the runs' batch * context * steps / seconds. The runs stop
    early once they add up to --max-seconds.

Usage (`collapse bench --torch-reference` runs it with the same plan as the Java side):

    python3 bench/torch_reference.py --threads 2 --size 4/4/128/128

It prints one JSON line on standard output and warnings on standard error.

Threads: the script sets PyTorch's intra-op threads to --threads and its inter-op threads to 1, like the Java
side, and sets OPENBLAS_NUM_THREADS and OMP_NUM_THREADS to the same number before importing torch, because
OpenBLAS reads them when it loads and would otherwise start one thread per core on top of PyTorch's own.

BLAS on Debian: Debian's python3-torch (1.13) runs its matrix products through the system's generic libblas.so.3,
which is the reference (Netlib) BLAS unless another implementation is installed. The reference BLAS is an order of
magnitude slower, so a comparison against it says nothing about DJL; the JSON line names the BLAS in use
("blas") and the script warns when it is the reference one. To run on OpenBLAS without changing the system:

    apt-get download libopenblas0-openmp                  # just fetches the .deb, installs nothing
    dpkg-deb -x libopenblas0-openmp_*.deb openblas         # unpacks it into ./openblas
    export LD_LIBRARY_PATH="$PWD/openblas/usr/lib/x86_64-linux-gnu/openblas-openmp"
    ./collapse bench --torch-reference                     # or run this script directly

Take the OpenMP build, not libopenblas0-pthread: PyTorch runs its own operations on OpenMP threads, and the
pthreads build's threads spin beside them, so at 2 threads on 2 cores that reference ran 2-3 times slower than at
1 thread and would flatter any comparison.

(An administrator can instead install libopenblas0-openmp, which makes OpenBLAS the system-wide libblas.so.3
through update-alternatives; that changes every program on the machine, so the project never does it.)
"""

import argparse
import json
import math
import os
import resource
import statistics
import sys
import time

VOCABULARY = 256
INIT_STD = 0.02
LAYER_NORM_EPS = 1e-5
MASKED = -1e9
LEARNING_RATE = 1e-3
BETAS = (0.9, 0.95)
EPSILON = 1e-8
WEIGHT_DECAY = 0.1
GRADIENT_CLIP = 1.0
TEXT_LENGTH = 1 << 20


def parse_arguments():
    parser = argparse.ArgumentParser(description="Times collapse-lab's GPT training step in PyTorch.")
    parser.add_argument("--threads", type=int, required=True, help="intra-op threads (inter-op threads are 1)")
    parser.add_argument("--size", help="LAYERS/HEADS/WIDTH/CONTEXT, e.g. 4/4/128/128 (required without --paper)")
    parser.add_argument("--paper", action="store_true",
                        help="time one paper generation at GPT-2 124M shapes instead (see the header)")
    parser.add_argument("--tokens", type=int, default=1024,
                        help="with --paper: tokens sampled per generation (default 1024, the paper's)")
    parser.add_argument("--batch", type=int, default=16, help="sequences per step (default 16)")
    parser.add_argument("--warmup-steps", type=int, default=5, help="untimed steps first (default 5)")
    parser.add_argument("--warmup-seconds", type=float, default=0.0,
                        help="warm up for at least this long too (default 0)")
    parser.add_argument("--steps", type=int, default=4, help="steps per timed run (default 4)")
    parser.add_argument("--repetitions", type=int, default=3, help="timed runs at most (default 3)")
    parser.add_argument("--max-seconds", type=float, default=20.0,
                        help="stop warming up, and stop repeating, once this much time is spent (default 20)")
    args = parser.parse_args()
    if args.paper:
        if args.threads < 1 or args.tokens < 1 or args.repetitions < 1 or args.steps < 1 or args.warmup_steps < 0:
            parser.error("--threads, --tokens, --repetitions and --steps must be positive, --warmup-steps not negative")
        return args
    if args.size is None:
        parser.error("--size is required without --paper")
    try:
        layers, heads, width, context = (int(part) for part in args.size.split("/"))
    except ValueError:
        parser.error("--size must be LAYERS/HEADS/WIDTH/CONTEXT, e.g. 4/4/128/128, was " + args.size)
    if min(layers, heads, width) < 1 or context < 2 or width % heads != 0:
        parser.error("--size needs layers, heads, width >= 1, context >= 2 and heads dividing width")
    if args.threads < 1 or args.batch < 1 or args.warmup_steps < 0 or args.steps < 1 or args.repetitions < 1 \
            or not args.max_seconds > 0 or not args.warmup_seconds >= 0:
        parser.error("--threads, --batch, --steps, --repetitions and --max-seconds must be positive, --warmup-steps"
                     " and --warmup-seconds not negative")
    args.layers, args.heads, args.width, args.context = layers, heads, width, context
    return args


def blas_in_use(torch):
    """The BLAS library this process has loaded, as (label, library path): what the matrix products ran on."""
    libraries = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                name = os.path.basename(path).lower()
                if ("blas" in name or "mkl" in name or "blis" in name) and path not in libraries:
                    libraries.append(path)
    except OSError:
        pass
    for path in libraries:
        lowered = path.lower()
        if "openblas" in lowered:
            return "OpenBLAS", path
        if "mkl" in lowered:
            return "MKL", path
        if "blis" in lowered:
            return "BLIS", path
    for path in libraries:
        if "/blas/libblas" in path:
            return "reference BLAS (Netlib)", path
    if libraries:
        return "unknown", libraries[0]
    # Wheels from pytorch.org link MKL statically: no BLAS library of its own appears in the process's maps.
    config = torch.__config__.show()
    built_in = next((item.split("=", 1)[1] for item in config.replace(",", " ").split() if item.startswith("BLAS_INFO=")),
                    "unknown")
    return "built into libtorch (" + built_in + ")", ""


def block_class(torch, width, heads, gelu_approximation, fused_attention):
    """The pre-LayerNorm transformer block both models share: causal attention, then a 4x GELU MLP.

    gelu_approximation is "none" (exact GELU, collapse-lab's from-scratch models) or "tanh" (GPT-2's); with
    fused_attention the attention is PyTorch's scaled_dot_product_attention, as nanoGPT uses where torch has it,
    else the additive-mask softmax written out.
    """
    nn = torch.nn
    functional = torch.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(width, eps=LAYER_NORM_EPS)
            self.c_attn = nn.Linear(width, 3 * width)
            self.attn_proj = nn.Linear(width, width)
            self.ln_2 = nn.LayerNorm(width, eps=LAYER_NORM_EPS)
            self.c_fc = nn.Linear(width, 4 * width)
            self.mlp_proj = nn.Linear(4 * width, width)

        def attention(self, x, mask):
            b, t, c = x.shape
            q, k, v = self.c_attn(x).split(c, dim=2)
            q, k, v = (a.view(b, t, heads, c // heads).transpose(1, 2) for a in (q, k, v))
            if fused_attention:
                y = functional.scaled_dot_product_attention(q, k, v, is_causal=True)
            else:
                att = (q @ k.transpose(2, 3)) * (1.0 / math.sqrt(c // heads)) + mask[:t, :t]
                y = att.softmax(-1) @ v
            return self.attn_proj(y.transpose(1, 2).reshape(b, t, c))

        def forward(self, x, mask):
            x = x + self.attention(self.ln_1(x), mask)
            return x + self.mlp_proj(functional.gelu(self.c_fc(self.ln_2(x)), approximate=gelu_approximation))

    return Block


def build_model(torch, layers, heads, width, context):
    nn = torch.nn
    functional = torch.nn.functional

    Block = block_class(torch, width, heads, gelu_approximation="none", fused_attention=False)

    class Gpt(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Parameter(torch.empty(VOCABULARY, width))
            self.wpe = nn.Parameter(torch.empty(context, width))
            self.blocks = nn.ModuleList(Block() for _ in range(layers))
            self.ln_f = nn.LayerNorm(width, eps=LAYER_NORM_EPS)
            self.register_buffer("mask", torch.full((context, context), MASKED).triu(1))

        def forward(self, tokens):
            t = tokens.shape[1]
            x = functional.embedding(tokens, self.wte) + self.wpe[:t]
            for block in self.blocks:
                x = block(x, self.mask)
            return functional.linear(self.ln_f(x), self.wte)

    model = Gpt()
    residual_std = INIT_STD / math.sqrt(2 * layers)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if ".ln_" in name or name.startswith("ln_"):
                continue  # LayerNorm starts as ones and zeros already
            if name.endswith(".bias"):
                parameter.zero_()
            else:
                parameter.normal_(0.0, residual_std if name.endswith("_proj.weight") else INIT_STD)
    return model


def forward_products(torch, args):
    """The matrix products of one forward pass and their floating-point operations (a multiply-add counts two)."""
    rows, c, t = args.batch * args.context, args.width, args.context
    batches, d = args.batch * args.heads, args.width // args.heads
    linears = [(torch.randn(rows, n_in), torch.randn(n_out, n_in), torch.randn(n_out))
               for n_in, n_out in ((c, 3 * c), (c, c), (c, 4 * c), (4 * c, c))]
    queries, keys = torch.randn(batches, t, d), torch.randn(batches, t, d)
    keys_transposed, scores = keys.transpose(1, 2), torch.randn(batches, t, t)
    head = torch.randn(VOCABULARY, c)
    functional = torch.nn.functional

    def run_pass():
        for _ in range(args.layers):
            for inputs, weight, bias in linears:
                functional.linear(inputs, weight, bias)
            torch.matmul(queries, keys_transposed)
            torch.matmul(scores, keys)
        functional.linear(linears[0][0], head)

    per_layer = 2 * rows * c * (3 * c + c + 4 * c) + 2 * rows * 4 * c * c + 2 * 2 * rows * t * c
    return run_pass, args.layers * per_layer + 2 * rows * c * VOCABULARY


def repeat(run, count):
    for _ in range(count):
        run()


def warm_up(args, step):
    """Runs step until --warmup-steps and --warmup-seconds are both done, or --max-seconds is spent; at least once."""
    start = time.perf_counter()
    warmed = 0
    while True:
        step()
        warmed += 1
        spent = time.perf_counter() - start
        if (warmed >= args.warmup_steps and spent >= args.warmup_seconds) or spent >= args.max_seconds:
            return warmed


def median_rate(args, units_per_run, run):
    rates, spent = [], 0.0
    while len(rates) < args.repetitions and spent < args.max_seconds:
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
        rates.append(units_per_run / seconds)
        spent += seconds
    return statistics.median(rates), len(rates)


GPT2_LAYERS, GPT2_HEADS, GPT2_WIDTH = 12, 12, 768
GPT2_VOCABULARY = 50257
PAPER_CONTEXT = 100
PAPER_TOP_K = 200
PAPER_LEARNING_RATE = 4e-5
NEWLINE_TOKEN = 198  # "\n" in GPT-2's BPE, the paper's prompt
WARM_UP_TOKENS_PAST_CONTEXT = 8  # a warm-up generation just past the context runs every code path, as on the Java side


def build_gpt2(torch):
    """nanoGPT's GPT at GPT-2 124M shapes, cropped to the paper's context, with tanh GELU as GPT-2 was trained."""
    nn = torch.nn
    functional = torch.nn.functional
    width, heads = GPT2_WIDTH, GPT2_HEADS

    Block = block_class(torch, width, heads, gelu_approximation="tanh",
                        fused_attention=hasattr(functional, "scaled_dot_product_attention"))

    class Gpt2(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(GPT2_VOCABULARY, width)
            self.wpe = nn.Embedding(PAPER_CONTEXT, width)
            self.blocks = nn.ModuleList(Block() for _ in range(GPT2_LAYERS))
            self.ln_f = nn.LayerNorm(width, eps=LAYER_NORM_EPS)
            self.register_buffer("mask", torch.full((PAPER_CONTEXT, PAPER_CONTEXT), MASKED).triu(1))

        def forward(self, tokens, targets=None):
            t = tokens.shape[1]
            x = self.wte(tokens) + self.wpe(torch.arange(t))
            for block in self.blocks:
                x = block(x, self.mask)
            x = self.ln_f(x)
            if targets is None:
                return functional.linear(x[:, [-1], :], self.wte.weight)  # nanoGPT's inference-time head
            logits = functional.linear(x, self.wte.weight)
            return functional.cross_entropy(logits.view(-1, GPT2_VOCABULARY), targets.view(-1))

    model = Gpt2()
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() >= 2:
                parameter.normal_(0.0, INIT_STD)
    return model


def generate(torch, model, tokens, new_tokens):
    """nanoGPT's generate: crop to the context, the last position's logits, top-k with ties, one multinomial draw."""
    functional = torch.nn.functional
    with torch.no_grad():
        for _ in range(new_tokens):
            cropped = tokens if tokens.size(1) <= PAPER_CONTEXT else tokens[:, -PAPER_CONTEXT:]
            logits = model(cropped)[:, -1, :]
            kept, _ = torch.topk(logits, min(PAPER_TOP_K, logits.size(-1)))
            logits[logits < kept[:, [-1]]] = -float("Inf")
            following = torch.multinomial(functional.softmax(logits, dim=-1), num_samples=1)
            tokens = torch.cat((tokens, following), dim=1)
    return tokens


def paper_generation(torch, args, blas):
    """One of the paper's generations: 1,024 sampled tokens, then one AdamW step on one 100-token window."""
    model = build_gpt2(torch)
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    vectors = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": matrices, "weight_decay": WEIGHT_DECAY},
                                   {"params": vectors, "weight_decay": 0.0}],
                                  lr=PAPER_LEARNING_RATE, betas=BETAS, eps=EPSILON)
    text = torch.randint(0, GPT2_VOCABULARY, (1 << 16,), dtype=torch.int64)

    def step():
        start = int(torch.randint(0, text.numel() - PAPER_CONTEXT - 1, (1,)))
        window = text[start:start + PAPER_CONTEXT + 1].view(1, -1)
        loss = model(window[:, :-1], window[:, 1:])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), GRADIENT_CLIP)
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup_steps):
        step()
    step_seconds = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        step_seconds.append(time.perf_counter() - start)
    peak_resident = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    prompt = torch.tensor([[NEWLINE_TOKEN]], dtype=torch.int64)
    generate(torch, model, prompt, min(args.tokens, PAPER_CONTEXT + WARM_UP_TOKENS_PAST_CONTEXT))
    rates = []
    for _ in range(args.repetitions):
        start = time.perf_counter()
        generate(torch, model, prompt, args.tokens)
        rates.append(args.tokens / (time.perf_counter() - start))
    exact = statistics.median(rates)
    step_median = statistics.median(step_seconds)
    return {
        "threads": torch.get_num_threads(),
        "sampledTokens": args.tokens,
        "exactTokensPerSecond": exact,
        "trainingStepSeconds": step_median,
        "generationSeconds": args.tokens / exact + step_median,
        "peakResidentBytesAfterTraining": peak_resident,
        "torch": torch.__version__,
        "blas": blas,
    }


def main():
    args = parse_arguments()
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch  # after the environment is set: OpenBLAS and OpenMP read it when they load

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    blas, blas_library = blas_in_use(torch)
    if blas.startswith("reference"):
        print("torch_reference: PyTorch runs on the reference BLAS (" + blas_library + "), many times slower than "
              "OpenBLAS; see the header of bench/torch_reference.py for how to use OpenBLAS", file=sys.stderr)
    if args.paper:
        print(json.dumps(paper_generation(torch, args, blas)), flush=True)
        return

    model = build_model(torch, args.layers, args.heads, args.width, args.context)
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    vectors = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": matrices, "weight_decay": WEIGHT_DECAY},
                                   {"params": vectors, "weight_decay": 0.0}],
                                  lr=LEARNING_RATE, betas=BETAS, eps=EPSILON)
    text = torch.randint(0, VOCABULARY, (TEXT_LENGTH,), dtype=torch.int64)
    window = args.context + 1

    def step():
        starts = torch.randint(0, TEXT_LENGTH - window + 1, (args.batch,)).tolist()
        windows = torch.stack([text[s:s + window] for s in starts])
        inputs, targets = windows[:, :-1], windows[:, 1:]
        logits = model(inputs)
        loss = logits.reshape(-1, VOCABULARY).log_softmax(1).gather(1, targets.reshape(-1, 1)).mean().neg()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), GRADIENT_CLIP)
        optimizer.step()
        return loss.item()

    warmed = warm_up(args, step)
    tokens_per_run = args.batch * args.context * args.steps
    rate, runs = median_rate(args, tokens_per_run, lambda: repeat(step, args.steps))

    run_pass, flops_per_pass = forward_products(torch, args)
    passes = 3 * args.steps  # a training step is about three forward passes of work
    with torch.no_grad():
        warm_up(args, run_pass)
        products_rate, _ = median_rate(args, flops_per_pass * passes / 1e9,
                                       lambda: repeat(run_pass, passes))
    print(json.dumps({
        "size": args.size,
        "threads": torch.get_num_threads(),
        "batchSize": args.batch,
        "warmupSteps": warmed,
        "stepsPerRepetition": args.steps,
        "repetitions": runs,
        "trainTokensPerSecond": rate,
        "matrixProductGflopsPerSecond": products_rate,
        "torch": torch.__version__,
        "blas": blas,
        "blasLibrary": blas_library,
    }), flush=True)


if __name__ == "__main__":
    main()
