/* t_address.c - the print house's address order: parts, numbers, keys. */
#include "address.h"
#include "check.h"

#include <string.h>

#define C(x) CHECK(x, #x)
#define CI(a, b) CHECK_INT(a, b, #a " == " #b)

static int before(const char *pc1, const char *a1, const char *pc2, const char *a2)
{
	char k1[512], k2[512];

	address_sort_key(pc1, a1, k1, sizeof(k1));
	address_sort_key(pc2, a2, k2, sizeof(k2));
	return strcmp(k1, k2) < 0;
}

int main(void)
{
	struct address_parts a;

	/* street = every part before "д.", house 23 + "/1", flat 72 */
	address_parse("Тюменская обл., г. Тюмень, ул. Малыгина, д. 23/1, кв. 72", &a);
	CI((int)a.street_len, (int)strlen("Тюменская обл., г. Тюмень, ул. Малыгина"));
	C(!strncmp(a.street, "Тюменская обл., г. Тюмень, ул. Малыгина", a.street_len));
	CI((int)a.house, 23);
	CI((int)a.house_rest_len, 2);
	C(!strncmp(a.house_rest, "/1", 2));
	CI((int)a.flat, 72);
	CI((int)a.flat_rest_len, 0);
	C(a.has_house && a.has_flat);

	/* a letter after the number; an office counts as the flat */
	address_parse("Тюменская обл., г. Тобольск, ул. Карла Маркса, д. 110а, оф. 319", &a);
	CI((int)a.house, 110);
	C(!strncmp(a.house_rest, "а", a.house_rest_len) && a.house_rest_len == strlen("а"));
	CI((int)a.flat, 319);

	/* no flat; no house at all: the whole address is the street */
	address_parse("Тюменская обл., Тюменский р-н, с. Онохино, ул. Зелёная, д. 52", &a);
	CI((int)a.house, 52);
	C(!a.has_flat);
	address_parse("Тюменская обл., с. Вагай, участок 7", &a);
	C(!a.has_house);
	CI((int)a.street_len, (int)strlen("Тюменская обл., с. Вагай, участок 7"));

	/* order: postcode first, whatever the street */
	C(before("625003", "г. Тюмень, ул. Ямская, д. 1", "625004", "г. Тюмень, ул. Акулова, д. 1"));
	/* then street by letters (Малыгина < Широтная) */
	C(before("625003", "г. Тюмень, ул. Малыгина, д. 90", "625003", "г. Тюмень, ул. Широтная, д. 1"));
	/* houses by number, not by text: 9 < 23 < 110 */
	C(before("625003", "г. Тюмень, ул. Малыгина, д. 9", "625003", "г. Тюмень, ул. Малыгина, д. 23"));
	C(before("625003", "г. Тюмень, ул. Малыгина, д. 23", "625003", "г. Тюмень, ул. Малыгина, д. 110"));
	/* 23 < 23/1 < 23а < 24 */
	C(before("625003", "г. Тюмень, ул. Малыгина, д. 23", "625003", "г. Тюмень, ул. Малыгина, д. 23/1"));
	C(before("625003", "г. Тюмень, ул. Малыгина, д. 23/1", "625003", "г. Тюмень, ул. Малыгина, д. 23а"));
	C(before("625003", "г. Тюмень, ул. Малыгина, д. 23а", "625003", "г. Тюмень, ул. Малыгина, д. 24"));
	/* flats by number: 7 < 72 < 117; a house without flats first */
	C(before("625003", "г. Тюмень, ул. Малыгина, д. 23, кв. 7", "625003", "г. Тюмень, ул. Малыгина, д. 23, кв. 72"));
	C(before("625003", "г. Тюмень, ул. Малыгина, д. 23, кв. 72", "625003", "г. Тюмень, ул. Малыгина, д. 23, кв. 117"));
	C(before("625003", "г. Тюмень, ул. Малыгина, д. 23", "625003", "г. Тюмень, ул. Малыгина, д. 23, кв. 1"));
	/* a street that is a prefix of another comes first */
	C(before("625003", "г. Тюмень, ул. Ленина, д. 5", "625003", "г. Тюмень, ул. Ленина 2-я, д. 1"));
	/* the key holds no control character but the 0x01 separators */
	{
		char k[512];
		size_t n = address_sort_key("625003", "ул.\tМира, д. 1", k, sizeof(k));
		int ok = 1;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)k[i] < 0x20 && k[i] != '\x01')
				ok = 0;
		C(ok);
		CI((int)strlen(k), (int)n);
	}
	return check_done();
}
