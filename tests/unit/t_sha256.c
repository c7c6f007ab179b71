/* t_sha256.c - FIPS 180-4 test vectors and the fault list. */
#include "check.h"
#include "faults.h"
#include "sha256.h"

static const char *hash(const char *s, size_t len, char *hex)
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, s, len);
	sha256_hex(&h, hex);
	return hex;
}

#define BYTES1000 "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d"

/* The FIPS 180-4 vectors with the compression function in use. */
static void vectors(const char *how)
{
	char hex[SHA256_HEX], msg[80];
	char million[1001];
	unsigned char bytes[1000];
	struct sha256 h;

	CHECK_STR(hash("abc", 3, hex),
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 of abc");
	CHECK_STR(hash("", 0, hex),
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 of empty");
	CHECK_STR(hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		  "sha256 of the 448-bit vector");
	memset(million, 'a', sizeof(million));
	sha256_init(&h);
	for (int i = 0; i < 1000; i++)
		sha256_update(&h, million, i % 2 ? 999 : 1001);  /* uneven chunks */
	sha256_hex(&h, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		  "sha256 of a million a's in uneven chunks");
	/* a message of 1000 bytes i % 251, hashed whole and in chunks of 1..63
	 * bytes, gives what Python's
	 * hashlib.sha256(bytes(i % 251 for i in range(1000))) gives */
	for (int i = 0; i < 1000; i++)
		bytes[i] = (unsigned char)(i % 251);
	sha256_init(&h);
	for (size_t off = 0, step = 1; off < sizeof(bytes); off += step, step = step % 63 + 1)
		sha256_update(&h, bytes + off, off + step > sizeof(bytes) ? sizeof(bytes) - off : step);
	sha256_hex(&h, hex);
	snprintf(msg, sizeof(msg), "1000 bytes in small chunks (%s)", how);
	CHECK_STR(hex, BYTES1000, msg);
	CHECK_STR(hash((const char *)bytes, sizeof(bytes), million), BYTES1000, "1000 bytes at once");
}

int main(void)
{
	struct faults f = FAULTS_INIT;
	int hw = sha256_hardware(1);

	vectors(hw ? "hardware" : "plain, no hardware here");
	CHECK_INT(sha256_hardware(0), 0, "the plain C path can be forced");
	vectors("plain");
	CHECK_INT(sha256_hardware(1), hw, "back to the default path");

	faults_add(&f, "a.csv", 3, "bad %s", "date");
	faults_add(&f, "rules", 0, "missing");
	CHECK_INT(f.count, 2, "two faults counted");
	CHECK_STR(f.lines[0], "a.csv:3: bad date", "fault with a line");
	CHECK_STR(f.lines[1], "rules: missing", "fault without a line");
	for (int i = 0; i < FAULTS_KEEP + 5; i++)
		faults_add(&f, "x", i + 1, "y");
	CHECK_INT(f.count, FAULTS_KEEP + 7, "every fault counted");
	CHECK_INT(f.kept, FAULTS_KEEP, "only FAULTS_KEEP kept");
	faults_release(&f);
	return check_done();
}
