/* sha256.c - SHA-256 after FIPS 180-4; see sha256.h.  The compression
 * function runs on the CPU's SHA extensions (x86 SHA-NI) when cpuid says
 * they are there, else in plain C; both give the same digests (the unit
 * test checks each against the FIPS vectors). */
#include "sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_X86 1
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* n blocks of 64 bytes into h, in plain C. */
static void blocks_c(uint32_t *hs, const unsigned char *p, size_t n)
{
	for (; n > 0; n--, p += 64) {
		uint32_t w[64], a, b, c, d, e, f, g, h;

		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
			uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		a = hs[0]; b = hs[1]; c = hs[2]; d = hs[3];
		e = hs[4]; f = hs[5]; g = hs[6]; h = hs[7];
		for (int i = 0; i < 64; i++) {
			uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
			uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
			h = g; g = f; f = e; e = d + t1;
			d = c; c = b; b = a; a = t1 + t2;
		}
		hs[0] += a; hs[1] += b; hs[2] += c; hs[3] += d;
		hs[4] += e; hs[5] += f; hs[6] += g; hs[7] += h;
	}
}

#ifdef SHA256_X86
/* n blocks of 64 bytes into h with the SHA-NI instructions (after Intel's
 * "SHA extensions" paper): the state lives as ABEF/CDGH, each
 * sha256rnds2 does two rounds, sha256msg1/msg2 extend the schedule. */
#define NI_ROUNDS(q, M) do { \
	__m128i k_ = _mm_add_epi32((M), _mm_loadu_si128((const __m128i *)&K[4 * (q)])); \
	st1 = _mm_sha256rnds2_epu32(st1, st0, k_); \
	st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(k_, 0x0E)); \
} while (0)
/* M0 = W[i-16..i-13] becomes W[i..i+3] from M1 (i-12), M2 (i-8), M3 (i-4). */
#define NI_SCHED(M0, M1, M2, M3) \
	(M0) = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((M0), (M1)), \
						  _mm_alignr_epi8((M3), (M2), 4)), (M3))

__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_ni(uint32_t *hs, const unsigned char *p, size_t n)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i st0, st1, t, m0, m1, m2, m3, save0, save1;

	t = _mm_loadu_si128((const __m128i *)&hs[0]);       /* DCBA */
	st1 = _mm_loadu_si128((const __m128i *)&hs[4]);     /* HGFE */
	t = _mm_shuffle_epi32(t, 0xB1);                     /* CDAB */
	st1 = _mm_shuffle_epi32(st1, 0x1B);                 /* EFGH */
	st0 = _mm_alignr_epi8(t, st1, 8);                   /* ABEF */
	st1 = _mm_blend_epi16(st1, t, 0xF0);                /* CDGH */
	for (; n > 0; n--, p += 64) {
		save0 = st0;
		save1 = st1;
		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), swap);
		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), swap);
		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), swap);
		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), swap);
		NI_ROUNDS(0, m0);
		NI_ROUNDS(1, m1);
		NI_ROUNDS(2, m2);
		NI_ROUNDS(3, m3);
		for (int q = 4; q < 16; q += 4) {
			NI_SCHED(m0, m1, m2, m3);
			NI_ROUNDS(q, m0);
			NI_SCHED(m1, m2, m3, m0);
			NI_ROUNDS(q + 1, m1);
			NI_SCHED(m2, m3, m0, m1);
			NI_ROUNDS(q + 2, m2);
			NI_SCHED(m3, m0, m1, m2);
			NI_ROUNDS(q + 3, m3);
		}
		st0 = _mm_add_epi32(st0, save0);
		st1 = _mm_add_epi32(st1, save1);
	}
	t = _mm_shuffle_epi32(st0, 0x1B);                   /* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xB1);                 /* DCHG */
	st0 = _mm_blend_epi16(t, st1, 0xF0);                /* DCBA */
	st1 = _mm_alignr_epi8(st1, t, 8);                   /* HGFE */
	_mm_storeu_si128((__m128i *)&hs[0], st0);
	_mm_storeu_si128((__m128i *)&hs[4], st1);
}

/* 1 when the CPU has SHA-NI, SSSE3 and SSE4.1. */
static int cpu_has_sha(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b & (1u << 29)) != 0;  /* CPUID.7.0:EBX.SHA */
}
#endif

/* The compression function in use: chosen once, before main(). */
static void (*blocks)(uint32_t *hs, const unsigned char *p, size_t n) = blocks_c;

__attribute__((constructor))
static void choose_blocks(void)
{
#ifdef SHA256_X86
	if (cpu_has_sha())
		blocks = blocks_ni;
#endif
}

int sha256_hardware(int on)
{
	blocks = blocks_c;
	if (on)
		choose_blocks();
	return blocks != blocks_c;
}

void sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(s->h, h0, sizeof(h0));
	s->bytes = 0;
	s->fill = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->bytes += len;
	if (s->fill) {
		size_t take = 64 - s->fill < len ? 64 - s->fill : len;
		memcpy(s->block + s->fill, p, take);
		s->fill += take;
		p += take;
		len -= take;
		if (s->fill < 64)
			return;
		blocks(s->h, s->block, 1);
		s->fill = 0;
	}
	if (len >= 64) {
		blocks(s->h, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	memcpy(s->block, p, len);
	s->fill = len;
}

void sha256_hex(struct sha256 *s, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t bits = s->bytes * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;

	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (int i = 0; i < 32; i++) {
		unsigned char byte = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
		hex[2 * i] = digits[byte >> 4];
		hex[2 * i + 1] = digits[byte & 15];
	}
	hex[64] = '\0';
}

int sha256_file(const char *path, char *hex, int64_t *bytes, struct sbyt_err *e)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return err_set(e, ERR_NOINPUT, "cannot open '%s': %s", path, strerror(errno));
	return sha256_stream(f, path, hex, bytes, e);
}

int sha256_stream(FILE *f, const char *path, char *hex, int64_t *bytes, struct sbyt_err *e)
{
	unsigned char buf[65536];
	struct sha256 s;
	size_t n;

	sha256_init(&s);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&s, buf, n);
	if (ferror(f)) {
		fclose(f);
		return err_set(e, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
	}
	fclose(f);
	if (bytes)
		*bytes = (int64_t)s.bytes;
	sha256_hex(&s, hex);
	return 0;
}
