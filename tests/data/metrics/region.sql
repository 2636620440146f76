-- A small hand-built region for the metrics tests (made up for the tests; codes follow
-- GB/T 2260 nesting under Lishui 331100). Populations: the city and 青田县 have none stored,
-- so theirs are the sums of their children.
INSERT INTO area(code, parent_code, level, name, kind, population) VALUES
 ('331100', NULL, 'city', '丽水市', 'urban', NULL),
 ('331102', '331100', 'county', '莲都区', 'urban', NULL),
 ('331102001', '331102', 'township', '紫金街道', 'urban', 4000),
 ('331102001001', '331102001', 'village', '紫金村', 'rural', 1000),
 ('331102002', '331102', 'township', '岩泉街道', 'urban', 6000),
 ('331121', '331100', 'county', '青田县', 'rural', NULL),
 ('331121001', '331121', 'township', '鹤城街道', 'rural', 5000);
INSERT INTO facility(code, name, type, grade, ownership, area_code, beds_open, beds_approved) VALUES
 ('H1', '莲都区人民医院', 'general_hospital', '2A', 'government', '331102', 100, 120),
 ('T1', '紫金卫生院', 'township_health_center', 'none', 'government', '331102001', 20, 20),
 ('V1', '紫金村卫生室', 'village_clinic', 'none', 'collective', '331102001001', NULL, NULL),
 ('T2', '岩泉社区卫生服务中心', 'community_health_center', 'none', 'government', '331102002', 10, 10),
 ('H2', '青田县人民医院', 'general_hospital', '2A', 'government', '331121001', 80, 80),
 ('T3', '鹤城卫生院', 'township_health_center', 'none', 'government', '331121001', 10, 10),
 ('CDC1', '青田县疾控中心', 'cdc', 'none', 'government', '331121', NULL, NULL);
INSERT INTO staff(facility_code, category, count) VALUES
 ('H1', 'licensed_physician', 40), ('H1', 'assistant_physician', 10), ('H1', 'registered_nurse', 60),
 ('T1', 'licensed_physician', 8), ('T1', 'registered_nurse', 6), ('T1', 'general_practitioner', 3),
 ('T2', 'licensed_physician', 6), ('T2', 'registered_nurse', 5), ('T2', 'general_practitioner', 2),
 ('H2', 'licensed_physician', 30), ('H2', 'registered_nurse', 33),
 ('T3', 'licensed_physician', 5), ('T3', 'registered_nurse', 4), ('T3', 'general_practitioner', 1),
 ('CDC1', 'public_health_physician', 6);
