/* test_model.c: vocabularies and the area-code tree rules. */
#include "testutil.h"
#include "model/model.h"

static void vocabularies_resolve(void **state)
{
    (void)state;
    assert_true(hss_model_find(HSS_VOCAB_FACILITY_TYPE, "general_hospital") >= 0);
    assert_int_equal(hss_model_find(HSS_VOCAB_FACILITY_TYPE, "general_hospitl"), -1);
    assert_string_equal(hss_model_suggest(HSS_VOCAB_FACILITY_TYPE, "general_hospitl"), "general_hospital");
    assert_string_equal(hss_model_canonical(HSS_VOCAB_GRADE, "三甲"), "3A");
    assert_string_equal(hss_model_canonical(HSS_VOCAB_GRADE, "2B"), "2B");
    assert_null(hss_model_canonical(HSS_VOCAB_GRADE, "四甲"));
    assert_string_equal(hss_model_zh(HSS_VOCAB_FACILITY_TYPE, "village_clinic"), "村卫生室");
    assert_true(hss_facility_type_is_basic("village_clinic"));
    assert_false(hss_facility_type_is_basic("general_hospital"));
    assert_true(hss_staff_is_health_technician("registered_nurse"));
    assert_false(hss_staff_is_health_technician("general_practitioner"));
    assert_false(hss_staff_is_health_technician("village_doctor"));
    assert_true(hss_vehicle_is_ambulance("negative_pressure_ambulance"));
    assert_false(hss_vehicle_is_ambulance("blood_van"));
}

static void area_codes_nest(void **state)
{
    (void)state;
    assert_null(hss_area_code_check("330000", HSS_LEVEL_PROVINCE, NULL, -1));
    assert_null(hss_area_code_check("331100", HSS_LEVEL_CITY, "330000", HSS_LEVEL_PROVINCE));
    assert_null(hss_area_code_check("331102", HSS_LEVEL_COUNTY, "331100", HSS_LEVEL_CITY));
    assert_null(hss_area_code_check("331102001", HSS_LEVEL_TOWNSHIP, "331102", HSS_LEVEL_COUNTY));
    assert_null(hss_area_code_check("331102001001", HSS_LEVEL_VILLAGE, "331102001", HSS_LEVEL_TOWNSHIP));
    assert_non_null(hss_area_code_check("331202001", HSS_LEVEL_TOWNSHIP, "331102", HSS_LEVEL_COUNTY));
    assert_non_null(hss_area_code_check("33110200", HSS_LEVEL_TOWNSHIP, "331102", HSS_LEVEL_COUNTY));
    assert_non_null(hss_area_code_check("331100", HSS_LEVEL_COUNTY, "331100", HSS_LEVEL_CITY));
    assert_non_null(hss_area_code_check("331102001001", HSS_LEVEL_VILLAGE, "331102", HSS_LEVEL_COUNTY));
    assert_non_null(hss_area_code_check("33a102", HSS_LEVEL_COUNTY, "331100", HSS_LEVEL_CITY));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vocabularies_resolve),
        cmocka_unit_test(area_codes_nest),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
