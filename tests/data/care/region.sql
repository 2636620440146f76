-- A hand-made test region for the care tests. The province, city and county codes are the real
-- GB/T 2260 codes of Zhejiang / Lishui / Liandu (331102) and Qingtian (331121); the township and
-- village codes and all names below the county are made up for the tests.
INSERT INTO area(code,parent_code,level,name,kind,population) VALUES
 ('330000',NULL,'province','浙江省','urban',NULL),
 ('331100','330000','city','丽水市','urban',NULL),
 ('331102','331100','county','莲都区','urban',400),
 ('331121','331100','county','青田县','rural',200),
 ('331102001','331102','township','甲镇','rural',300),
 ('331102002','331102','township','乙街道','urban',100),
 ('331121100','331121','township','丙乡','rural',200),
 ('331102001001','331102001','village','一村','rural',200),
 ('331102001002','331102001','village','二村','rural',100),
 ('331102002001','331102002','village','三社区','urban',100),
 ('331121100001','331121100','village','四村','rural',200);
INSERT INTO facility(code,name,type,ownership,area_code) VALUES
 ('F1','甲镇卫生院','township_health_center','government','331102001'),
 ('F2','乙街道社区卫生服务中心','community_health_center','government','331102002'),
 ('F3','丙乡卫生院','township_health_center','government','331121100'),
 ('H1','莲都区人民医院','general_hospital','government','331102002'),
 ('H2','青田县人民医院','general_hospital','government','331121100'),
 ('C1','一村卫生室','village_clinic','collective','331102001001');
