// mask_secrets (engine/core/secrets.cpp): every form of secret a path or connection string of an input can
// carry is masked, and nothing else is changed.
#include <gtest/gtest.h>

#include "minerisk/error.hpp"

namespace minerisk {
namespace {

TEST(Secrets, PgPasswordIsMaskedPlainQuotedAndWithSpacesAroundTheEqualsSign) {
    EXPECT_EQ(mask_secrets("PG:host=db password=abc dbname=x"), "PG:host=db password=*** dbname=x");
    EXPECT_EQ(mask_secrets("PG:host=db PASSWORD='a b c' dbname=x"), "PG:host=db PASSWORD=*** dbname=x");
    EXPECT_EQ(mask_secrets("PG:host=db password='it\\'s' dbname=x"), "PG:host=db password=*** dbname=x");
    EXPECT_EQ(mask_secrets("PG:host=db password = abc dbname=x"), "PG:host=db password = *** dbname=x");
    EXPECT_EQ(mask_secrets("PG:password=abc"), "PG:password=***");
}

// A libpq password may hold ';', ',' and '&': no part of it is shown.
TEST(Secrets, PgPasswordWithPunctuationIsMaskedWhole) {
    EXPECT_EQ(mask_secrets("PG:host=db password=a;b,c&d$e dbname=x"), "PG:host=db password=*** dbname=x");
    EXPECT_EQ(mask_secrets("ogrinfo 'PG:host=db password=abc'"), "ogrinfo 'PG:host=db password=***'");
}

TEST(Secrets, UrlUserPasswordIsMaskedAndTheUserKept) {
    EXPECT_EQ(mask_secrets("postgresql://gis:abc@db/imsma"), "postgresql://gis:***@db/imsma");
    EXPECT_EQ(mask_secrets("/vsicurl/https://me:p@ss@example.org/h.gpkg"), "/vsicurl/https://me:***@example.org/h.gpkg");
    EXPECT_EQ(mask_secrets("postgresql://gis@db:5432/imsma"), "postgresql://gis@db:5432/imsma");
    EXPECT_EQ(mask_secrets("https://example.org:8080/a@b"), "https://example.org:8080/a@b");
}

TEST(Secrets, CloudCredentialsAreMasked) {
    EXPECT_EQ(mask_secrets("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG"), "AWS_SECRET_ACCESS_KEY=***");
    EXPECT_EQ(mask_secrets("AWS_SESSION_TOKEN=FQoGZXIvYXdz with /vsis3/bucket/h.gpkg"),
              "AWS_SESSION_TOKEN=*** with /vsis3/bucket/h.gpkg");
    EXPECT_EQ(mask_secrets("AZURE_STORAGE_ACCESS_KEY=abc AZURE_STORAGE_SAS_TOKEN=\"sv=1&sig=2\""),
              "AZURE_STORAGE_ACCESS_KEY=*** AZURE_STORAGE_SAS_TOKEN=***");
    EXPECT_EQ(mask_secrets("GDAL_HTTP_USERPWD=me:pw"), "GDAL_HTTP_USERPWD=***");
    EXPECT_EQ(mask_secrets("Authorization: Bearer eyJhbGc.x.y"), "Authorization: Bearer ***");
}

TEST(Secrets, QueryTokensAndKeysAreMaskedAndOtherParametersKept) {
    EXPECT_EQ(mask_secrets("https://h.org/t.tif?token=abc&layer=x"), "https://h.org/t.tif?token=***&layer=x");
    EXPECT_EQ(mask_secrets("https://h.org/t?layer=x&key=abc#top"), "https://h.org/t?layer=x&key=***#top");
    EXPECT_EQ(mask_secrets("/vsicurl/https://b.s3.amazonaws.com/h.tif?X-Amz-Signature=ab12&X-Amz-Expires=60"),
              "/vsicurl/https://b.s3.amazonaws.com/h.tif?X-Amz-Signature=***&X-Amz-Expires=60");
    EXPECT_EQ(mask_secrets("https://x.blob.core.windows.net/c/h.tif?sv=2020&sig=abc%2F"),
              "https://x.blob.core.windows.net/c/h.tif?sv=2020&sig=***");
}

TEST(Secrets, OdbcPasswordEndsAtTheSemicolon) {
    EXPECT_EQ(mask_secrets("MSSQL:server=db;database=x;UID=gis;PWD=abc;Trusted_Connection=no"),
              "MSSQL:server=db;database=x;UID=gis;PWD=***;Trusted_Connection=no");
    EXPECT_EQ(mask_secrets("MSSQL:server=db;PWD={a;b};x=1"), "MSSQL:server=db;PWD=***;x=1");
}

// What is not a secret is left exactly as it is: words that merely contain a secret's name, 'key' outside a
// query, the masked text itself.
TEST(Secrets, TextWithoutSecretsIsUnchangedAndMaskingTwiceChangesNothing) {
    for (const char* s : {"no secret here: x=1", "the class key=CHA", "passwords are masked", "monkey=3",
                          "hazards (h.gpkg, layer 'hazards'): 2 feature(s) skipped", "password=", "tokenize it"})
        EXPECT_EQ(mask_secrets(s), s);
    const std::string once = mask_secrets("hazards (PG:host=db password=abc, layer 'h') token=x, https://u:p@h/");
    EXPECT_EQ(once, "hazards (PG:host=db password=*** layer 'h') token=*** https://u:***@h/");
    EXPECT_EQ(mask_secrets(once), once);
    EXPECT_EQ(mask_secrets(mask_secrets("PG:host=db password=abc, layer 'h'")), "PG:host=db password=*** layer 'h'");
}

}  // namespace
}  // namespace minerisk
