/*
 * The substep design's forward pass in plain scalar C (float64), the measuring stick of
 * `npm run bench:kernel`: the same network as src/particles/model/interaction-kernel.ts with the
 * parts of PAIR_ALONG_R_AND_U (pair MLP 7 -> H -> 2 with property factors, the field's trap,
 * radial function, drag and uniform parts), integrated in S equal substeps (velocity Verlet
 * positions, Heun velocities). Not part of the product.
 *
 * usage: substep_forward <H> <S> <batch> <runs> <x.f32> <params.f64> <out.f64>
 * Reads the inputs (batch, 4, 7) as float32 and the parameters in the kernel's order as float64,
 * writes the outputs (batch, 4, 3) and prints the median seconds of `runs` forward passes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NP 4
#define EPS 1e-6

static int H, S;
static const double *w0, *b0, *w1, *b1, *fac, *A, *B, *C, *G, *cw0, *cb0, *cw1, *cb1;

static double ftanh(double x) {
  const double c = 7.90531110763549805;
  x = x > c ? c : x < -c ? -c : x;
  double x2 = x * x;
  double p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = x2 * p + -8.60467152213735e-11;
  p = x2 * p + 5.12229709037114e-8;
  p = x2 * p + 1.48572235717979e-5;
  p = x2 * p + 6.37261928875436e-4;
  p = x2 * p + 4.89352455891786e-3;
  double q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = x2 * q + 2.268434632439e-3;
  q = x2 * q + 4.89352518554385e-3;
  return (x * p) / q;
}

static const int SYM[9] = {0, 1, 2, 1, 3, 4, 2, 4, 5};

static void accel(const double *p, const double *v, const double *q, double *a) {
  double h[64];
  for (int k = 0; k < 3 * NP; k++) a[k] = 0;
  for (int i = 0; i < NP; i++)
    for (int j = 0; j < NP; j++) {
      if (i == j) continue;
      double r[3], u[3], rr = EPS, uu = EPS, ru = 0;
      for (int c = 0; c < 3; c++) {
        r[c] = p[3 * j + c] - p[3 * i + c];
        u[c] = v[3 * j + c] - v[3 * i + c];
        rr += r[c] * r[c];
        uu += u[c] * u[c];
        ru += r[c] * u[c];
      }
      double d = sqrt(rr), inv = 1 / d;
      double in[7] = {d, inv, ru * inv, sqrt(uu), q[i], q[j], q[i] * q[j]};
      for (int o = 0; o < H; o++) {
        double z = b0[o];
        for (int m = 0; m < 7; m++) z += in[m] * w0[m * H + o];
        h[o] = ftanh(z);
      }
      double out[2];
      for (int o = 0; o < 2; o++) {
        double z = b1[o];
        for (int m = 0; m < H; m++) z += h[m] * w1[m * 2 + o];
        double f = 1 + fac[4 * o] + fac[4 * o + 1] * q[i] + fac[4 * o + 2] * q[j] + fac[4 * o + 3] * q[i] * q[j];
        out[o] = z * f;
      }
      for (int c = 0; c < 3; c++) a[3 * i + c] += out[0] * inv * r[c] + out[1] * u[c];
    }
  for (int i = 0; i < NP; i++) {
    const double *pi = p + 3 * i, *vi = v + 3 * i;
    double norm = sqrt(EPS + pi[0] * pi[0] + pi[1] * pi[1] + pi[2] * pi[2]);
    double radial = cb1[0];
    for (int m = 0; m < 3; m++) radial += cw1[m] * ftanh(cw0[m] * norm + cb0[m]);
    double ratio = radial / norm;
    double gp = 1 + G[0] + G[3] * q[i], gv = 1 + G[1] + G[4] * q[i], gc = 1 + G[2] + G[5] * q[i];
    for (int c = 0; c < 3; c++) {
      double ap = 0, bv = 0;
      for (int e = 0; e < 3; e++) {
        ap += A[SYM[c * 3 + e]] * pi[e];
        bv += B[c * 3 + e] * vi[e];
      }
      a[3 * i + c] += gp * (ap + ratio * pi[c]) + gv * bv + gc * C[c];
    }
  }
}

static void forward(const float *x, int batch, double *out) {
  double p[12], v[12], a[12], nx[12], w[12], q[NP];
  double dt = 0.5 / S;
  for (int b = 0; b < batch; b++) {
    for (int i = 0; i < NP; i++) {
      for (int c = 0; c < 3; c++) {
        p[3 * i + c] = x[b * 28 + i * 7 + c];
        v[3 * i + c] = x[b * 28 + i * 7 + 3 + c];
      }
      q[i] = x[b * 28 + i * 7 + 6];
    }
    accel(p, v, q, a);
    for (int s = 0; s < S; s++) {
      for (int k = 0; k < 12; k++) p[k] += v[k] * dt + a[k] * 0.5 * dt * dt;
      if (s + 1 == S) break;
      for (int k = 0; k < 12; k++) w[k] = v[k] + a[k] * dt;
      accel(p, w, q, nx);
      for (int k = 0; k < 12; k++) {
        v[k] += (a[k] + nx[k]) * 0.5 * dt;
        a[k] = nx[k];
      }
    }
    for (int k = 0; k < 12; k++) out[b * 12 + k] = p[k];
  }
}

static void *slurp(const char *path, long *size) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  *size = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *data = malloc(*size);
  if (fread(data, 1, *size, f) != (size_t)*size) { perror(path); exit(2); }
  fclose(f);
  return data;
}

static int cmp(const void *a, const void *b) {
  double d = *(const double *)a - *(const double *)b;
  return d < 0 ? -1 : d > 0;
}

int main(int argc, char **argv) {
  if (argc != 8) { fprintf(stderr, "usage: substep_forward H S batch runs x.f32 params.f64 out.f64\n"); return 2; }
  H = atoi(argv[1]);
  S = atoi(argv[2]);
  int batch = atoi(argv[3]), runs = atoi(argv[4]);
  long nx, np;
  const float *x = slurp(argv[5], &nx);
  const double *params = slurp(argv[6], &np);
  const double *at = params;
  w0 = at; at += 7 * H; b0 = at; at += H; w1 = at; at += 2 * H; b1 = at; at += 2;
  fac = at; at += 8; A = at; at += 6; B = at; at += 9; C = at; at += 3; G = at; at += 6;
  cw0 = at; at += 3; cb0 = at; at += 3; cw1 = at; at += 3; cb1 = at; at += 1;
  if ((long)((at - params) * sizeof(double)) != np || nx != (long)batch * 28 * 4) {
    fprintf(stderr, "parameter or input size mismatch\n");
    return 2;
  }
  double *out = malloc(sizeof(double) * batch * 12);
  double *times = malloc(sizeof(double) * runs);
  for (int r = 0; r < runs; r++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    forward(x, batch, out);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    times[r] = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  }
  qsort(times, runs, sizeof(double), cmp);
  FILE *f = fopen(argv[7], "wb");
  fwrite(out, sizeof(double), batch * 12, f);
  fclose(f);
  printf("%.9f\n", times[runs / 2]);
  return 0;
}
