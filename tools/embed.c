/*
 * embed.c - build-time helper: turns files into a C table so that the sbyt
 * binary carries its SQL migrations and needs no install path to find them.
 * usage: embed SYMBOL FILE... > out.c
 * Emits `const struct embedded_file SYMBOL[]`, ended by a {NULL, NULL} entry,
 * with each name stripped of its directory.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: embed SYMBOL FILE...\n");
		return 64;
	}
	printf("#include \"embed.h\"\n");
	for (int i = 2; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		int c, n = 0;

		if (!f) {
			perror(argv[i]);
			return 66;
		}
		printf("static const char file_%d[] = {", i);
		while ((c = getc(f)) != EOF)
			printf("%s%d,", (n++ % 20) ? "" : "\n", c);
		printf("0};\n");
		fclose(f);
	}
	printf("const struct embedded_file %s[] = {\n", argv[1]);
	for (int i = 2; i < argc; i++) {
		const char *base = strrchr(argv[i], '/');
		printf("\t{\"%s\", file_%d},\n", base ? base + 1 : argv[i], i);
	}
	printf("\t{0, 0}\n};\n");
	return 0;
}
