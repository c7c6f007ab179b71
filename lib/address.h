/*
 * address.h - the print house's order of postal addresses (SPEC 8).
 *
 * Post documents go to the print house sorted by postcode, street, house
 * and flat.  An address of the master data is a list of parts separated by
 * commas ("Тюменская обл., г. Тюмень, ул. Малыгина, д. 23/1, кв. 72"); the
 * rule, applied to the address as loaded:
 *   - the house part is the first part that starts with "д." (or "дом ");
 *     the street is every part before it, joined as written (region,
 *     district, locality, street: so two towns' "ул. Ленина" stay apart);
 *   - the flat part is the first part after the house that starts with
 *     "кв.", "оф.", "пом." or "комн.";
 *   - a house or flat value is compared by its leading number (0 when it
 *     has none, at most 9 digits) and then by the rest as bytes ("23" <
 *     "23/1" < "23а" < "110");
 *   - without a house part the whole address is the street and house and
 *     flat are empty (they sort before any number);
 *   - text is compared as UTF-8 bytes, i.e. by code point: Russian letters
 *     in alphabetical order except "ё", which follows "я".
 * The order is postcode (as text), street, house number, house rest, flat
 * number, flat rest, then the account number.  address_sort_key() encodes
 * all of it (without the account) as one string whose byte order is that
 * order, so that PostgreSQL can sort millions of them (COLLATE "C").
 */
#ifndef SBYT_ADDRESS_H
#define SBYT_ADDRESS_H

#include <stddef.h>

struct address_parts {
	const char *street;   /* into the address; street_len bytes */
	size_t street_len;
	unsigned house;       /* leading number of the house part, 0 when none */
	const char *house_rest;
	size_t house_rest_len;
	unsigned flat;
	const char *flat_rest;
	size_t flat_rest_len;
	int has_house, has_flat;
};

/* Split address by the rule above; the parts point into address. */
void address_parse(const char *address, struct address_parts *out);
/* The sort key of (postcode, address) into buf (size bytes, NUL-terminated,
 * truncated when too small: 512 bytes suit any real address).  The key
 * holds bytes 0x01 as separators and no other control characters.
 * Returns its length. */
size_t address_sort_key(const char *postcode, const char *address, char *buf, size_t size);

#endif
